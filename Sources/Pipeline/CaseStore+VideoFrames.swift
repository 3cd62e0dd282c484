import KeyprintMatch
import KeyprintModel
import KeyprintStore
import KeyprintHash
import KeyprintIndex
import KeyprintExport

extension StoredVideoHashes {
    /// The file as the matcher takes it: video id = file id, region hashes filled in for every
    /// frame (`VideoFrames.filledRegionFrames`), the stored duration.
    public var videoFrames: VideoFrames {
        VideoFrames(videoID: file.id, frames: frames,
                    regionFrames: VideoFrames.filledRegionFrames(frames: frames, regions: regionFrames, shots: shots),
                    shots: shots, duration: file.media?.duration, pictureFrames: pictureFrames)
    }
}

extension CaseStore {
    /// Done files of a collection (nil: all) as the matcher takes them.
    public func videoFrames(collection: String?) async throws -> [VideoFrames] {
        try await storedHashes(collection: collection).map(\.videoFrames)
    }
}
