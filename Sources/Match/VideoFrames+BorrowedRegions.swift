import KeyprintModel
import KeyprintIndex

extension VideoFrames {
    /// Region hashes parallel to `frames` again when they cover only some of them (dense
    /// sampling hashes regions on a 1-s subset, `RegionHashing.isDense`). A frame with its own
    /// region hash (same frame index) keeps it. Any other frame borrows the region hash of the
    /// nearest frame in time of the same shot (the last of `shots` starting at or before its
    /// timestamp; a frame before the first shot belongs to the first), keeping the lender's
    /// index and timestamp, which is how `ownsRegion(_:)` tells it apart. A frame of a shot
    /// without a region, or of a shot without any region hash, carries its whole-frame hash, as
    /// in a fully hashed video. `regions` as they are when they already cover every frame or
    /// are empty.
    ///
    /// - Parameters:
    ///   - frames: the whole-frame hashes in time order.
    ///   - regions: the region hashes in time order, each with the index of its frame.
    ///   - shots: the file's shots in time order.
    public static func filledRegionFrames(frames: [FrameHash], regions: [FrameHash], shots: [ShotRegion]) -> [FrameHash] {
        guard !regions.isEmpty, regions.map(\.index) != frames.map(\.index) else { return regions }
        let starts = shots.map(\.startTime)
        func shot(at t: Double) -> Int {
            var lo = 0, hi = starts.count
            while lo < hi { let mid = (lo + hi) / 2; if starts[mid] <= t + 1e-9 { lo = mid + 1 } else { hi = mid } }
            return max(0, lo - 1)
        }
        var byShot: [Int: [FrameHash]] = [:]
        for r in regions { byShot[shot(at: r.timestamp), default: []].append(r) }
        let own = Dictionary(regions.map { ($0.index, $0) }, uniquingKeysWith: { first, _ in first })
        return frames.map { f in
            if let mine = own[f.index] { return mine }
            let s = shot(at: f.timestamp)
            guard shots.isEmpty || shots[s].region != nil, let lenders = byShot[s] else { return f }
            return nearest(to: f.timestamp, in: lenders)
        }
    }

    /// Whether frame `i` has a region hash of its own (hashed from that frame, or its whole-frame
    /// hash in a shot without a region) rather than one borrowed from a nearby frame of its shot
    /// (`filledRegionFrames`). False when the video has no region hashes.
    public func ownsRegion(_ i: Int) -> Bool {
        hasRegions && regionFrames[i].timestamp == frames[i].timestamp
    }

    /// The entry of `sorted` (time order, not empty) nearest to `t`; the earlier one on a tie.
    private static func nearest(to t: Double, in sorted: [FrameHash]) -> FrameHash {
        var lo = 0, hi = sorted.count
        while lo < hi { let mid = (lo + hi) / 2; if sorted[mid].timestamp < t { lo = mid + 1 } else { hi = mid } }
        if lo == 0 { return sorted[0] }
        if lo == sorted.count { return sorted[lo - 1] }
        return t - sorted[lo - 1].timestamp <= sorted[lo].timestamp - t ? sorted[lo - 1] : sorted[lo]
    }
}
