import KeyprintModel

/// The region check of a whole-frame match between two videos that both have regions
/// (docs/matching.md §2.2, `MatchSettings.regionCheckedWholeFrames`).
///
/// Whole frames of chat captures can be dominated by chrome that unrelated calls share, so such
/// a match counts only where the same two frames' region hashes agree within
/// `extendThresholdBits`: shared chrome around different panes fails that, a re-encode with a
/// watermark in its pane (region hashes drifting past the radius while the whole frames stay
/// close) passes. Two exemptions for near-identical whole frames (within
/// `differentRegionWholeFrameBits`): the two regions are different boxes
/// (`differentRegionsExempt`), or at least one is too plain to say anything
/// (`plainRegionsLetWholeFrameStand`).
struct RegionCheck: Sendable {
    let settings: MatchSettings

    /// The check's outcome for one frame match.
    enum Verdict: Sendable {
        /// The match counts: not checked, the regions agree, or an exemption applies.
        case stands
        /// The regions disagree: the match does not count.
        case vetoed
        /// The regions disagree, but the whole frames are within `differentRegionWholeFrameBits`:
        /// the match does not vote, yet counts toward document frequency
        /// (`LookupResult.failedChecks`).
        case vetoedNearIdentical
    }

    /// The verdict on the match at `distance` of query frame `qf`'s `probe` with the reference
    /// `entry`, for a query whose content is its regions (`MatchSettings.contentIsRegion(of:)`).
    /// Checked only when neither side is a crop (a whole frame or a picture against a whole frame
    /// or a picture) and both frames' region hashes are crops (a frame of a shot without a
    /// region has nothing to check); a turned probe's region is compared with the same turn
    /// undone.
    @inline(__always)
    func verdict(_ distance: Int, query: VideoFrames, frame qf: Int, probe: Probe,
                 reference ref: VideoFrames, entry: ReferenceEntry) -> Verdict {
        let rf = entry.frame
        guard !probe.kind.isCrop, !entry.kind.isCrop, ref.hasRegions, query.regionIsCrop(qf), ref.regionIsCrop(rf),
              !differentRegionsExempt(distance, query, query.frames[qf].timestamp, ref, ref.frames[rf].timestamp) else { return .stands }
        let q = query.regionFrames[qf], r = ref.regionFrames[rf]
        // A turned whole frame: its region turned the same way must agree.
        let d = probe.isTurned ? (q.probe(undoing: probe.orientation)?.distance(to: r.hash) ?? .max)
            : min(q.hash.distance(to: r.hash), q.mirrorHash.distance(to: r.hash))
        let agree = q.quality >= settings.minQuality && r.quality >= settings.minQuality
            && d <= max(settings.thresholdBits, settings.extendThresholdBits)
        if agree || plainRegionsLetWholeFrameStand(distance, query: q, reference: r) { return .stands }
        return distance <= settings.differentRegionWholeFrameBits ? .vetoedNearIdentical : .vetoed
    }

    /// Whether a whole-frame match at `distance` between two region videos skips the region
    /// check because the frames' regions are different boxes
    /// (`MatchSettings.differentRegionWholeFrameBits`). Measured on samples/: in the 6-s
    /// excerpt of the TalkBox call in compilation.mp4 the pane's lower fifth does not move, so
    /// its box is 0.59 of the frame high against 0.74 in the capture; the region hashes are
    /// 106–130 bits apart while the whole frames are 6–12 bits apart.
    private func differentRegionsExempt(_ distance: Int, _ query: VideoFrames, _ qt: Double, _ ref: VideoFrames, _ rt: Double) -> Bool {
        guard distance <= settings.differentRegionWholeFrameBits,
              let a = query.region(at: qt), let b = ref.region(at: rt) else { return false }
        return a.overlap(with: b) < settings.sameRegionOverlap
    }
}
