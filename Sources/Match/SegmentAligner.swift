import KeyprintModel
import KeyprintIndex

/// Turns the frame matches of one (query video, reference video) pair into time-aligned
/// segments.
///
/// A segment is a line in (query time, reference time): rt = slope × qt + offset. The aligner
/// repeats, until no line has `minMatchedFrames` supporters left:
/// 1. For each candidate slope, every match votes for the offset bin of rt − slope × qt; a
///    query frame counts once per bin, with weight × (1 − distance / (threshold + 1)). The best
///    pair of adjacent bins over all slopes is the peak.
/// 2. The line through the peak is refined: offset = median of the supporters' offsets, then a
///    least-squares fit of slope and offset over the supporters (kept when it holds at least as
///    many supporters and its slope stays within the candidate range), so speeds between the
///    candidates do not drift.
/// 3. Supporters (within `offsetTolerance` of the line), one per query frame (the closest),
///    are cut into runs wherever query time jumps by more than `maxGap`; each run lasting
///    `minDuration` with `minMatchedFrames` becomes a segment. The line's supporters, and every
///    match inside an accepted segment's box, leave the pool, so a compilation's other
///    excerpts surface in later rounds.
public struct SegmentAligner: Sendable {
    public var settings: MatchSettings

    public init(settings: MatchSettings = MatchSettings()) {
        self.settings = settings
    }

    public func segments(from matches: [FrameMatch], queryVideoID: Int64, referenceVideoID: Int64) -> [MatchSegment] {
        let slopes = settings.slopes.isEmpty ? [1.0] : settings.slopes
        let minSlope = slopes.min()!, maxSlope = slopes.max()!
        var pool = matches.filter { $0.weight > 0 && $0.distance <= settings.thresholdBits }
        var found: [MatchSegment] = []
        var rounds = 0
        while pool.count >= settings.minMatchedFrames && rounds < 1000 {
            rounds += 1
            guard let peak = bestPeak(in: pool, slopes: slopes) else { break }
            var line = Line(slope: peak.slope, offset: peak.offset)
            var support = supporters(of: line, in: pool, tolerance: settings.offsetTolerance + settings.offsetBin)
            if !support.isEmpty {
                let offsets = support.map { $0.referenceTime - line.slope * $0.queryTime }.sorted()
                line.offset = offsets[offsets.count / 2]
            }
            support = supporters(of: line, in: pool, tolerance: settings.offsetTolerance)
            if let fitted = leastSquares(support, around: line), fitted.slope >= minSlope - 1e-9, fitted.slope <= maxSlope + 1e-9 {
                let refit = supporters(of: fitted, in: pool, tolerance: settings.offsetTolerance)
                // Kept when it supports as many query frames (not matches: on slowly changing
                // content a line one frame off can collect more neighbour matches).
                // Kept when it supports as many query frames (not matches: on slowly changing
                // content a line one frame off can collect more neighbour matches).
                if Set(refit.map(\.queryFrame)).count >= Set(support.map(\.queryFrame)).count { line = fitted; support = refit }
            }
            let used = Set(support.map { $0.queryFrame << 32 | $0.referenceFrame })
            var accepted: [MatchSegment] = []
            for run in runs(of: bestPerQueryFrame(support, line: line)) {
                if let segment = makeSegment(run, line: line, queryVideoID: queryVideoID, referenceVideoID: referenceVideoID) {
                    accepted.append(segment)
                }
            }
            let before = pool.count
            pool.removeAll { m in
                if used.contains(m.queryFrame << 32 | m.referenceFrame) { return true }
                if peak.members.contains(m.queryFrame << 32 | m.referenceFrame) { return true }
                return accepted.contains { s in covers(s, m) }
            }
            found += accepted
            if pool.count == before { break }
        }
        return withoutFringes(found).sorted { ($0.queryStart, $0.referenceStart) < ($1.queryStart, $1.referenceStart) }
    }

    /// Reference-side margin around a segment within which leftover matches of its query
    /// frames are the same content seen a little earlier or later (slowly changing video), not
    /// another occurrence: `maxGap` plus the line tolerance.
    private var fringeMargin: Double { settings.maxGap + settings.offsetTolerance }

    /// Whether match `m` lies in segment `s`'s box: its query span, and its reference span
    /// widened by the fringe margin.
    private func covers(_ s: MatchSegment, _ m: FrameMatch) -> Bool {
        m.queryTime >= s.queryStart - 1e-9 && m.queryTime <= s.queryEnd + 1e-9
            && m.referenceTime >= min(s.referenceStart, s.referenceEnd) - fringeMargin
            && m.referenceTime <= max(s.referenceStart, s.referenceEnd) + fringeMargin
    }

    /// Drops a segment that lies mostly (half of its query span or more) inside the query span
    /// of a higher-scoring segment of the pair when the latter's reference span, widened by the
    /// fringe margin, reaches it, or when it scores under a quarter of it: the edge of a slowly
    /// changing match, picked up again at a slightly wrong speed. A genuine second occurrence
    /// of the same query frames in the reference scores about as high and stays.
    private func withoutFringes(_ segments: [MatchSegment]) -> [MatchSegment] {
        let ranked = segments.sorted { $0.score > $1.score }
        var kept: [MatchSegment] = []
        for s in ranked {
            let isFringe = kept.contains { k in
                let overlap = min(s.queryEnd, k.queryEnd) - max(s.queryStart, k.queryStart)
                let refLo = min(k.referenceStart, k.referenceEnd) - fringeMargin
                let refHi = max(k.referenceStart, k.referenceEnd) + fringeMargin
                let refInside = max(s.referenceStart, s.referenceEnd) >= refLo && min(s.referenceStart, s.referenceEnd) <= refHi
                return overlap >= 0.5 * max(s.queryDuration, 1e-9) && (refInside || s.score < 0.25 * k.score)
            }
            if !isFringe { kept.append(s) }
        }
        return kept
    }

    struct Line {
        var slope: Double
        var offset: Double
        func residual(_ m: FrameMatch) -> Double { abs(m.referenceTime - (slope * m.queryTime + offset)) }
    }

    struct Peak {
        var slope: Double
        var offset: Double
        var votes: Double
        /// queryFrame << 32 | referenceFrame of the matches that voted in the peak bins.
        var members: Set<Int>
    }

    private func vote(_ m: FrameMatch) -> Double {
        m.weight * (1 - Double(m.distance) / Double(settings.thresholdBits + 1))
    }

    private func bestPeak(in pool: [FrameMatch], slopes: [Double]) -> Peak? {
        let width = settings.offsetBin
        var best: Peak?
        for slope in slopes {
            // Per (bin, query frame) the best vote, so that one frame counts once per bin.
            var perFrame: [Int64: Double] = [:]
            for m in pool {
                let b = Int64(((m.referenceTime - slope * m.queryTime) / width).rounded(.down))
                let key = b << 32 | Int64(m.queryFrame)
                perFrame[key] = max(perFrame[key] ?? 0, vote(m))
            }
            var bins: [Int64: Double] = [:]
            var frames: [Int64: Set<Int>] = [:]
            for (key, v) in perFrame {
                let b = key >> 32
                bins[b, default: 0] += v
                frames[b, default: []].insert(Int(key & 0xFFFF_FFFF))
            }
            for (b, v) in bins {
                // A window of two adjacent bins, so a line on a bin edge is not split in two.
                let pairVotes = v + (bins[b + 1] ?? 0)
                let distinct = frames[b]!.union(frames[b + 1] ?? []).count
                guard distinct >= settings.minMatchedFrames else { continue }
                if best == nil || pairVotes > best!.votes + 1e-12
                    || (abs(pairVotes - best!.votes) <= 1e-12 && abs(slope - 1) < abs(best!.slope - 1)) {
                    best = Peak(slope: slope, offset: Double(b + 1) * width, votes: pairVotes, members: [])
                }
            }
        }
        guard var peak = best else { return nil }
        let lo = Int64((peak.offset / width).rounded()) - 1
        for m in pool {
            let b = Int64(((m.referenceTime - peak.slope * m.queryTime) / width).rounded(.down))
            if b == lo || b == lo + 1 { peak.members.insert(m.queryFrame << 32 | m.referenceFrame) }
        }
        return peak
    }

    private func supporters(of line: Line, in pool: [FrameMatch], tolerance: Double) -> [FrameMatch] {
        pool.filter { line.residual($0) <= tolerance }
    }

    /// One match per query frame: the one closest to the line, then the closest hash.
    private func bestPerQueryFrame(_ support: [FrameMatch], line: Line) -> [FrameMatch] {
        var best: [Int: FrameMatch] = [:]
        for m in support {
            if let current = best[m.queryFrame] {
                let (r0, r1) = (line.residual(current), line.residual(m))
                if r1 < r0 - 1e-9 || (abs(r1 - r0) <= 1e-9 && m.distance < current.distance) { best[m.queryFrame] = m }
            } else {
                best[m.queryFrame] = m
            }
        }
        return best.values.sorted { $0.queryTime < $1.queryTime }
    }

    /// Least-squares line through the supporters, one per query frame: its closest hash (then
    /// the one closest to `line`, the current estimate). On slowly changing content a query
    /// frame also matches the reference frames next to its own; picking the one nearest a line
    /// keeps that line's error (1 s on 5 of 12 planted excerpts of `scripts/bench-index`),
    /// the closest hash is the frame's own.
    private func leastSquares(_ support: [FrameMatch], around line: Line) -> Line? {
        var best: [Int: FrameMatch] = [:]
        for m in support {
            guard let current = best[m.queryFrame] else { best[m.queryFrame] = m; continue }
            if m.distance < current.distance || (m.distance == current.distance && line.residual(m) < line.residual(current)) {
                best[m.queryFrame] = m
            }
        }
        let points = best.values.sorted { $0.queryTime < $1.queryTime }.map { ($0.queryTime, $0.referenceTime) }
        guard points.count >= 3 else { return nil }
        let n = Double(points.count)
        let mx = points.reduce(0) { $0 + $1.0 } / n, my = points.reduce(0) { $0 + $1.1 } / n
        var sxx = 0.0, sxy = 0.0
        for (x, y) in points { sxx += (x - mx) * (x - mx); sxy += (x - mx) * (y - my) }
        guard sxx > 1e-9 else { return nil }
        let slope = sxy / sxx
        return Line(slope: slope, offset: my - slope * mx)
    }

    private func runs(of frames: [FrameMatch]) -> [[FrameMatch]] {
        var out: [[FrameMatch]] = []
        var current: [FrameMatch] = []
        for m in frames {
            // The gap on the side that plays faster (the shorter of the two clocks), so that
            // A→B and B→A give the same segments: at 1.25× a run of matches every 4 s of the
            // fast copy is every 5 s of the original.
            if let last = current.last,
               min(m.queryTime - last.queryTime, abs(m.referenceTime - last.referenceTime)) > settings.maxGap {
                out.append(current)
                current = []
            }
            current.append(m)
        }
        if !current.isEmpty { out.append(current) }
        return out
    }

    private func makeSegment(_ run: [FrameMatch], line: Line, queryVideoID: Int64, referenceVideoID: Int64) -> MatchSegment? {
        guard let first = run.first, let last = run.last else { return nil }
        guard run.count >= settings.minMatchedFrames, last.queryTime - first.queryTime >= settings.minDuration - 1e-9 else { return nil }
        var transformVotes: [MatchTransform: Double] = [:]
        var score = 0.0, distanceSum = 0
        for m in run {
            score += vote(m)
            distanceSum += m.distance
            transformVotes[m.transform, default: 0] += vote(m) + 1e-6
        }
        let transform = MatchTransform.allCases.max { (transformVotes[$0] ?? 0) < (transformVotes[$1] ?? 0) } ?? .none
        // Cut where the line crosses time 0 of either file (so both spans stay the same stretch).
        return MatchSegment(
            queryVideoID: queryVideoID, referenceVideoID: referenceVideoID,
            queryStart: first.queryTime, queryEnd: last.queryTime,
            referenceStart: line.slope * first.queryTime + line.offset,
            referenceEnd: line.slope * last.queryTime + line.offset,
            slope: line.slope, matchedFrames: run.count,
            meanDistance: Double(distanceSum) / Double(run.count), score: score, transform: transform)
            .clipped(queryEnd: .infinity, referenceEnd: .infinity)
    }
}
