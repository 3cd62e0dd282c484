import KeyprintModel

/// Which of a frame's hashes a hash is: a query's probe (`Probe.kind`) or the reference entry it
/// matched (`ReferenceEntry.kind`).
///
/// A frame has its whole-frame hash; a letterboxed frame may have the picture inside its bars
/// (`VideoFrames.pictureFrames`); a video with region hashes has one per frame in
/// `VideoFrames.regionFrames`. That slot holds a crop to the shot's content region, except for
/// a frame of a shot without a region, which carries its whole-frame hash there
/// (`VideoFrames.regionIsCrop`).
enum FrameHashKind: Sendable, Equatable {
    /// The frame's own hash (`VideoFrames.frames`).
    case wholeFrame
    /// The picture inside letterbox bars, bars removed: what the original's whole frames show,
    /// so it counts as a whole frame (never a crop).
    case picture
    /// The frame cropped to its shot's content region (the remote pane).
    case region
    /// The region slot of a frame of a shot without a content region: its whole-frame hash.
    case wholeFrameAsRegion

    /// The kind of frame `i`'s region hash in `video` (which has region hashes).
    init(regionOf video: VideoFrames, frame i: Int) {
        self = video.regionIsCrop(i) ? .region : .wholeFrameAsRegion
    }

    /// Whether the hash shows a crop of its frame. A frame match is reported as a crop when
    /// exactly one side is one (a full capture against a pane-only re-upload); a region against
    /// a region is the same picture (`none`).
    var isCrop: Bool { self == .region }
}
