import KeyprintModel

/// The last stage of matching: grows an aligned segment along its line (hysteresis), then gives
/// it its reported extent (docs/matching.md §2.5).
///
/// Walking outward from the segment over the query's frames, each frame is compared with
/// the reference frame its line time falls on:
/// - a *hit*: one of the reference samples either side of the line time (within
///   `offsetTolerance`) is within `extendThresholdBits`; the segment grows to it;
/// - a *miss*: the nearest reference frame is within `verifyTolerance` of the line time and
///   differs; misses are bridged up to `maxGap`, and the segment ends at its last hit;
/// - *unknown*: no reference frame was sampled near enough to the line time to tell (a
///   1.25× copy sampled once a second meets its original's samples only every 4 s, and its
///   content changes in between), yet the nearest one is within `relatedThresholdBits`
///   (nearby moments of one recording; unrelated pictures are ~128 bits apart) for one of
///   the two; unknown
///   frames right after the last hit extend the segment like hits, up to `maxGap`;
/// - the walk stops at a frame dropped as common (a shared opening screen) or below
///   `minQuality`, at a cut between shots on either side (a compilation's next excerpt),
///   and where the line leaves the reference's sampled time.
/// The strict radius found the segment; along an established line a looser one only
/// decides where it ends, so spans of degraded copies (small letterboxed pictures,
/// watermarks) reach their true extent. `matchedFrames`, `meanDistance` and `score` stay
/// those of the strict matches.
///
/// Reported extent: each end halfway between the outermost covered sample and its
/// uncovered neighbour, where the cut lies (off by at most half the sampling interval);
/// with no neighbour, the video's start (0) or end (`VideoFrames.sampledEnd`).
/// Samples 3 … 17 s of an 18-s capture whose call starts at 2.5 s read 2.5 – 18 s. The
/// reference times are the line at both ends.
struct SegmentExtension: Sendable {
    let settings: MatchSettings

    /// `segment` grown and given its extent. `common`: the query frames dropped as common;
    /// `referenceCommon`: the reference's (pair matching knows both sides').
    func extended(_ segment: MatchSegment, query: VideoFrames, reference: VideoFrames, common: Set<Int>,
                  referenceCommon: Set<Int> = []) -> MatchSegment {
        let times = query.frames.map(\.timestamp)
        let refTimes = reference.frames.map(\.timestamp)
        guard !times.isEmpty, !refTimes.isEmpty else { return segment }
        let offset = segment.referenceStart - segment.slope * segment.queryStart
        let line = { (t: Double) in segment.slope * t + offset }
        let refEnd = reference.sampledEnd(times: refTimes)
        /// The reference samples on either side of time `t`, within `offsetTolerance`.
        func bracketingReferences(_ t: Double) -> [Int] {
            var lo = 0, hi = refTimes.count
            while lo < hi { let mid = (lo + hi) / 2; if refTimes[mid] < t { lo = mid + 1 } else { hi = mid } }
            return [lo - 1, lo].filter { $0 >= 0 && $0 < refTimes.count && abs(refTimes[$0] - t) <= settings.offsetTolerance }
        }
        enum Step { case hit, miss, unknown, stop }
        let turn = segment.transform.orientation
        let grow = settings.extendThresholdBits > settings.thresholdBits
        let edgeShots = (query.shotIndex(at: segment.queryStart), query.shotIndex(at: segment.queryEnd))
        let edgeRefShots = (reference.shotIndex(at: segment.referenceStart), reference.shotIndex(at: segment.referenceEnd))
        func step(_ qi: Int, forward: Bool) -> Step {
            let t = times[qi], rt = line(t)
            if common.contains(qi) || rt < -1e-9 || rt > refEnd + 1e-9 { return .stop }
            if query.shotIndex(at: t) != (forward ? edgeShots.1 : edgeShots.0)
                || reference.shotIndex(at: rt) != (forward ? edgeRefShots.1 : edgeRefShots.0) { return .stop }
            let q = queryHashes(query, qi, undoing: turn)
            if q.isEmpty { return .stop }
            guard grow else { return .stop }
            let around = bracketingReferences(rt)
            // A reference sample dropped as common (pair matching knows both sides' common frames).
            if let nearest = around.min(by: { abs(refTimes[$0] - rt) < abs(refTimes[$1] - rt) }), referenceCommon.contains(nearest) {
                return .stop
            }
            guard !around.isEmpty else { return .unknown }
            let best = around.flatMap { ri in
                let r = contentHashes(reference, ri)
                return q.flatMap { qh in r.map { qh.distance(to: $0) } }
            }.min() ?? .max
            if best <= settings.extendThresholdBits { return .hit }
            let verifiable = around.contains { abs(refTimes[$0] - rt) <= settings.verifyTolerance }
            return verifiable || best > settings.relatedThresholdBits ? .miss : .unknown
        }
        /// Walks from covered index `edge` outward by `direction` (+1 forward, −1 backward) and
        /// returns the new outermost covered index: hits cover, misses are bridged, unknown
        /// samples cover while no miss came since the last hit; at most `maxGap` past the last hit.
        func walk(from edge: Int, by direction: Int) -> Int {
            var covered = edge, lastHit = edge, missed = false
            var qi = edge + direction
            while qi >= 0, qi < times.count, abs(times[qi] - times[lastHit]) <= settings.maxGap + 1e-9 {
                switch step(qi, forward: direction > 0) {
                case .stop: return covered
                case .hit: covered = qi; lastHit = qi; missed = false
                case .miss: missed = true
                case .unknown: if !missed { covered = qi }
                }
                qi += direction
            }
            return covered
        }
        let queryEnd = query.sampledEnd(times: times)
        // Index range of the covered query frames.
        guard let firstMatched = times.firstIndex(where: { $0 >= segment.queryStart - 1e-9 }),
              let lastMatched = times.lastIndex(where: { $0 <= segment.queryEnd + 1e-9 }), firstMatched <= lastMatched else {
            return segment.clipped(queryEnd: queryEnd, referenceEnd: refEnd)
        }
        let last = walk(from: lastMatched, by: 1), first = walk(from: firstMatched, by: -1)
        // Each cut lies between a covered sample and its uncovered neighbour: halfway is the
        // estimate (off by at most half the sampling interval). Before the first sample and
        // after the last, the video's start and end are the neighbours.
        let start = first > 0 ? (times[first - 1] + times[first]) / 2 : min(times[first], 0)
        let end = last + 1 < times.count ? (times[last] + times[last + 1]) / 2 : queryEnd
        var out = segment
        out.queryStart = start
        out.queryEnd = end
        out.referenceStart = line(start)
        out.referenceEnd = line(end)
        return out.clipped(queryEnd: queryEnd, referenceEnd: refEnd)
    }

    /// The hashes that describe a video's frame `i` for growing (its region hash and/or its
    /// whole frame's, `MatchSettings.contentIsRegion(of:)`); none below `minQuality`.
    private func contentHashes(_ video: VideoFrames, _ i: Int) -> [PDQHash] {
        var out: [PDQHash] = []
        if !settings.contentIsRegion(of: video), video.frames[i].quality >= settings.minQuality { out.append(video.frames[i].hash) }
        if video.hasRegions, video.regionFrames[i].quality >= settings.minQuality { out.append(video.regionFrames[i].hash) }
        return out
    }

    /// What a query frame is compared with: its `contentHashes` and their mirror hashes; for a
    /// turned segment (`turn` rotated) the content hashes with the turn undone instead, none
    /// for a frame without dihedral hashes.
    private func queryHashes(_ video: VideoFrames, _ i: Int, undoing turn: Orientation) -> [PDQHash] {
        var out: [PDQHash] = []
        let whole = !settings.contentIsRegion(of: video) && video.frames[i].quality >= settings.minQuality
        let region = video.hasRegions && video.regionFrames[i].quality >= settings.minQuality
        if turn.isRotated {
            if whole, let p = video.frames[i].probe(undoing: turn) { out.append(p) }
            if region, let p = video.regionFrames[i].probe(undoing: turn) { out.append(p) }
        } else {
            if whole { out += [video.frames[i].hash, video.frames[i].mirrorHash] }
            if region { out += [video.regionFrames[i].hash, video.regionFrames[i].mirrorHash] }
        }
        return out
    }
}
