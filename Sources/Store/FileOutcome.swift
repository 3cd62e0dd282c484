import Foundation
import KeyprintModel

/// The result of processing one file, committed to the store in one transaction: its state,
/// custody digests, media facts and frames change together or not at all.
public struct FileOutcome: Sendable {
    public var fileID: Int64
    public var state: FileState
    public var error: String?
    public var size: Int64?
    public var mtimeNanoseconds: Int64?
    public var digests: CustodyDigests?
    public var hashedAt: Date?
    public var hashingKey: String?
    public var media: StoredMediaFacts?
    public var frames: [FrameHash]
    /// The shots with their content regions, and the region hashes (one per frame, same
    /// timestamps); both empty when no shot has a region or regions were off.
    public var shots: [ShotRegion]
    public var regionFrames: [FrameHash]
    /// Hashes of the picture inside letterbox bars (`VideoHashes.pictureFrames`).
    public var pictureFrames: [FrameHash] = []
    /// Name and version of the region detection that found `shots`, recorded with them.
    public var regionDetector = ""
    public var regionDetectorVersion = 0
    /// For a failed file: when a later scan tries it again.
    public var retry: FailureRetry = .whenChanged
    public var decodedFrames: Int?
    public var processingSeconds: Double
    /// What went wrong without stopping the file (a decode that ended early, skipped packets):
    /// the file keeps its state (usually `done`) and the warnings are stored with it.
    public var warnings: [String] = []

    public init(fileID: Int64, state: FileState, error: String? = nil, size: Int64?, mtimeNanoseconds: Int64?,
                digests: CustodyDigests? = nil, hashedAt: Date? = nil, hashingKey: String? = nil,
                media: StoredMediaFacts? = nil, frames: [FrameHash] = [], shots: [ShotRegion] = [],
                regionFrames: [FrameHash] = [], decodedFrames: Int? = nil, processingSeconds: Double = 0) {
        self.shots = shots; self.regionFrames = regionFrames
        self.fileID = fileID; self.state = state; self.error = error
        self.size = size; self.mtimeNanoseconds = mtimeNanoseconds
        self.digests = digests; self.hashedAt = hashedAt; self.hashingKey = hashingKey
        self.media = media; self.frames = frames; self.decodedFrames = decodedFrames
        self.processingSeconds = processingSeconds
    }
}
