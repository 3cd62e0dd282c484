import KeyprintModel

extension MatchSettings {
    /// Whether `video`'s whole frames (and the pictures inside its bars) are indexed and looked
    /// up: always without region hashes; with them unless both `matchWholeFramesOfRegionVideos`
    /// and `regionCheckedWholeFrames` are off (region-only matching).
    func matchesWholeFrames(of video: VideoFrames) -> Bool {
        !video.hasRegions || matchWholeFramesOfRegionVideos || regionCheckedWholeFrames
    }

    /// Whether `video`'s content is described by its region hashes: it has them and
    /// `matchWholeFramesOfRegionVideos` is off, because its whole frames may be dominated by
    /// chrome that unrelated calls share. Then its whole-frame matches with another region video
    /// are region-checked (`RegionCheck`), its pictures for the strong-link test are counted on
    /// its region hashes (`FrequencyWeighting.distinctPictures`), and a segment grows over its
    /// region hashes only (`SegmentExtension`).
    func contentIsRegion(of video: VideoFrames) -> Bool {
        video.hasRegions && !matchWholeFramesOfRegionVideos
    }
}
