import KeyprintModel

/// One shot's content region recorded for a file: from `startTime` (the shot's first sampled
/// frame) until the next shot's, its region hashes are crops of `rect` (nil: the shot has no
/// region and its frames carry their whole-frame hashes), and the detector that found it.
public struct StoredRegion: Sendable, Equatable {
    public var fileID: Int64
    public var startTime: Double
    public var rect: NormalizedRect?
    public var detector: String
    public var detectorVersion: Int

    public init(fileID: Int64, startTime: Double, rect: NormalizedRect?, detector: String, detectorVersion: Int) {
        self.fileID = fileID; self.startTime = startTime; self.rect = rect
        self.detector = detector; self.detectorVersion = detectorVersion
    }

    /// The shot as the hashing code describes it.
    public var shot: ShotRegion { ShotRegion(startTime: startTime, region: rect) }
}
