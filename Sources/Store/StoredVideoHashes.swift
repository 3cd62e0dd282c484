import KeyprintModel

/// Everything the store holds of one done file's hashes: the file, its whole-frame, region and
/// picture hashes in frame order, and its shots in time order. Under dense sampling the region
/// hashes cover a 1-s subset of the frames only (the matcher fills the rest).
public struct StoredVideoHashes: Sendable, Equatable {
    public var file: StoredFile
    public var frames: [FrameHash]
    public var regionFrames: [FrameHash]
    public var pictureFrames: [FrameHash]
    public var shots: [ShotRegion]

    public init(file: StoredFile, frames: [FrameHash], regionFrames: [FrameHash], pictureFrames: [FrameHash], shots: [ShotRegion]) {
        self.file = file; self.frames = frames; self.regionFrames = regionFrames
        self.pictureFrames = pictureFrames; self.shots = shots
    }
}
