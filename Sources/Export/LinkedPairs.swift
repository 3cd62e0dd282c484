import KeyprintModel

/// Stored segments grouped into linked pairs of files, as the timeline and the report show
/// them: one direction per pair (that of its highest-scoring segment, whichever match run
/// stored it; a segment stored the other way round is turned round), pairs strongest first.
public enum LinkedPairs {
    /// One linked pair: its segments all with `query` as the query file, strongest first.
    public struct Pair: Sendable, Equatable {
        public var query: Int64
        public var reference: Int64
        /// The segments in the pair's direction, each with the index of the input it came from.
        public var segments: [(segment: MatchSegment, source: Int)]
        public var score: Double { segments.first?.segment.score ?? 0 }

        public static func == (a: Pair, b: Pair) -> Bool {
            a.query == b.query && a.reference == b.reference && a.segments.map(\.segment) == b.segments.map(\.segment)
                && a.segments.map(\.source) == b.segments.map(\.source)
        }
    }

    public static func pairs(_ segments: [MatchSegment]) -> [Pair] {
        var byPair: [[Int64]: [(segment: MatchSegment, source: Int)]] = [:]
        for (i, segment) in segments.enumerated() { byPair[segment.filePair, default: []].append((segment, i)) }
        var pairs: [Pair] = []
        for (_, list) in byPair {
            let sorted = list.sorted { stronger($0.segment, $1.segment) }
            let lead = sorted[0].segment
            let oriented = sorted.map { ($0.segment.queryVideoID == lead.queryVideoID ? $0.segment : turned($0.segment), $0.source) }
            pairs.append(Pair(query: lead.queryVideoID, reference: lead.referenceVideoID, segments: oriented))
        }
        return pairs.sorted { a, b in
            a.score != b.score ? a.score > b.score : (a.query, a.reference) < (b.query, b.reference)
        }
    }

    /// Higher score first; then earlier query start, then direct before derived.
    static func stronger(_ a: MatchSegment, _ b: MatchSegment) -> Bool {
        if a.score != b.score { return a.score > b.score }
        if a.queryStart != b.queryStart { return a.queryStart < b.queryStart }
        return (a.via == nil ? 0 : 1) < (b.via == nil ? 0 : 1)
    }

    /// The same segment seen from the other file (speed inverted, a turn turned back).
    public static func turned(_ s: MatchSegment) -> MatchSegment {
        var out = MatchSegment(queryVideoID: s.referenceVideoID, referenceVideoID: s.queryVideoID,
                               queryStart: s.referenceStart, queryEnd: s.referenceEnd,
                               referenceStart: s.queryStart, referenceEnd: s.queryEnd,
                               slope: s.slope > 0 ? 1 / s.slope : s.slope, matchedFrames: s.matchedFrames,
                               meanDistance: s.meanDistance, score: s.score,
                               transform: MatchTransform(orientation: s.transform.orientation.inverse, cropped: s.transform.isCropped))
        out.via = s.via
        return out
    }
}
