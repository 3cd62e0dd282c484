/// One video's sampled frame hashes as the matcher sees them: an id the caller chooses (the
/// store's file id) and the frames in time order. `regionFrames`, when present, are the hashes
/// of the detected content region (the remote pane, the picture inside letterbox bars) of the
/// same sampled frames, at the same timestamps; with a region per shot
/// (`ContentRegionDetector.detectShots`), a frame of a shot without a region carries its
/// whole-frame hash there (such a match is not reported as a crop). Under dense sampling only a
/// 1-s subset of the frames has region hashes of its own; the others borrow their shot's nearest
/// one, with the lender's timestamp (`filledRegionFrames`, `ownsRegion`). The matcher uses both; a
/// whole-frame match between two videos with regions needs their regions to agree loosely
/// (see `MatchSettings.regionCheckedWholeFrames`).
public struct VideoFrames: Sendable, Equatable {
    public var videoID: Int64
    public var frames: [FrameHash]
    public var regionFrames: [FrameHash]

    public init(videoID: Int64, frames: [FrameHash], regionFrames: [FrameHash] = []) {
        self.videoID = videoID
        self.frames = frames
        self.regionFrames = regionFrames
    }

    public var hasRegions: Bool { !regionFrames.isEmpty && regionFrames.count == frames.count }
}
