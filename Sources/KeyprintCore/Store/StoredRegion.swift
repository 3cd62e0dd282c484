/// The content region recorded for a file: the rectangle (normalized to its frames) whose
/// crops are its region hashes, and the detector that found it.
public struct StoredRegion: Sendable, Equatable {
    public var fileID: Int64
    public var rect: NormalizedRect
    public var detector: String
    public var detectorVersion: Int

    public init(fileID: Int64, rect: NormalizedRect, detector: String, detectorVersion: Int) {
        self.fileID = fileID; self.rect = rect; self.detector = detector; self.detectorVersion = detectorVersion
    }
}
