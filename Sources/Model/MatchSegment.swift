/// A stretch of the query video that is the same recording as a stretch of a reference video.
///
/// `score` = Σ over the segment's matched query frames of weight × (1 − distance / (threshold + 1)),
/// where weight = 1 / (number of different reference videos the frame matched). A perfectly
/// matching, distinctive frame adds 1; so the score reads as "distinctive matched frames" and
/// sorts longer, closer, more specific matches first.
public struct MatchSegment: Sendable, Equatable {
    public var queryVideoID: Int64
    public var referenceVideoID: Int64
    /// Seconds of query time: the first covered sample, and the time of the sample after the
    /// last covered one (see `SegmentExtension`).
    public var queryStart: Double
    public var queryEnd: Double
    /// Seconds of reference time: the segment's line at the query start and end.
    public var referenceStart: Double
    public var referenceEnd: Double
    /// Reference seconds per query second (1.25: the query plays the reference 1.25× fast).
    public var slope: Double
    /// Distinct query frames that matched along the segment.
    public var matchedFrames: Int
    public var meanDistance: Double
    public var score: Double
    /// The transform that most of the segment's matched frames needed.
    public var transform: MatchTransform
    /// nil: the two files' frames matched each other. Otherwise the file (video id) both
    /// matched over the same stretch: a derived link (`LinkDeriver`), with no frames of its own.
    public var via: Int64? = nil

    public init(queryVideoID: Int64, referenceVideoID: Int64, queryStart: Double, queryEnd: Double,
                referenceStart: Double, referenceEnd: Double, slope: Double, matchedFrames: Int,
                meanDistance: Double, score: Double, transform: MatchTransform) {
        self.queryVideoID = queryVideoID
        self.referenceVideoID = referenceVideoID
        self.queryStart = queryStart
        self.queryEnd = queryEnd
        self.referenceStart = referenceStart
        self.referenceEnd = referenceEnd
        self.slope = slope
        self.matchedFrames = matchedFrames
        self.meanDistance = meanDistance
        self.score = score
        self.transform = transform
    }

    public var queryDuration: Double { queryEnd - queryStart }

    /// The two video ids, smaller first: the unordered pair of files the segment links.
    public var filePair: [Int64] { [min(queryVideoID, referenceVideoID), max(queryVideoID, referenceVideoID)] }
}
