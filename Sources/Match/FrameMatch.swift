import KeyprintModel
import KeyprintIndex

/// One query frame that matched one reference frame: the evidence a segment is built from.
public struct FrameMatch: Sendable, Equatable {
    /// Position of the frame in the query's `frames`.
    public var queryFrame: Int
    public var queryTime: Double
    /// Position of the frame in the reference's `frames`.
    public var referenceFrame: Int
    public var referenceTime: Double
    /// Hamming distance of the best-matching hash variant.
    public var distance: Int
    /// 1 / (number of different reference videos this query frame matched).
    public var weight: Double
    public var transform: MatchTransform

    public init(queryFrame: Int, queryTime: Double, referenceFrame: Int, referenceTime: Double,
                distance: Int, weight: Double = 1, transform: MatchTransform = .none) {
        self.queryFrame = queryFrame
        self.queryTime = queryTime
        self.referenceFrame = referenceFrame
        self.referenceTime = referenceTime
        self.distance = distance
        self.weight = weight
        self.transform = transform
    }
}
