import KeyprintModel
import KeyprintIndex

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
    /// The shots and their content regions (empty when unknown). Lets the matcher tell whether
    /// two frames' region hashes describe the same part of the picture.
    public var shots: [ShotRegion]
    /// The video's duration in seconds, when known: segments end there at the latest.
    public var duration: Double?
    /// Hashes of the picture inside letterbox bars of some frames (by frame index, in time
    /// order; `RegionHashing.pictureFrames`). The matcher treats them as further whole-frame
    /// hashes of those frames: bars removed, the picture is what the original's frames show.
    public var pictureFrames: [FrameHash]

    public init(videoID: Int64, frames: [FrameHash], regionFrames: [FrameHash] = [], shots: [ShotRegion] = [],
                duration: Double? = nil, pictureFrames: [FrameHash] = []) {
        self.videoID = videoID
        self.frames = frames
        self.regionFrames = regionFrames
        self.shots = shots
        self.duration = duration
        self.pictureFrames = pictureFrames
    }

    /// Position in `frames` → its picture hash, for the frames that have one.
    public func picturesByPosition() -> [Int: FrameHash] {
        guard !pictureFrames.isEmpty else { return [:] }
        var position: [Int: Int] = [:]
        for (i, f) in frames.enumerated() { position[f.index] = i }
        var out: [Int: FrameHash] = [:]
        for p in pictureFrames { if let i = position[p.index] { out[i] = p } }
        return out
    }

    /// Position in `shots` of the shot containing time `t` (0 without shots).
    public func shotIndex(at t: Double) -> Int {
        var index = 0
        for (i, s) in shots.enumerated() where s.startTime <= t + 1e-9 { index = i }
        return index
    }

    /// The content region of the shot containing time `t`; nil without shots or regions.
    public func region(at t: Double) -> NormalizedRect? {
        shots.isEmpty ? nil : ShotRegion.region(at: t, in: shots)
    }

    public var hasRegions: Bool { !regionFrames.isEmpty && regionFrames.count == frames.count }
}
