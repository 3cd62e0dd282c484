import KeyprintModel
import KeyprintIndex

/// Matches query videos against a fixed set of reference videos: index lookup of every usable
/// query frame (its hash and its mirrored hash; for a video with region hashes, those instead),
/// document-frequency weighting, then alignment per (query, reference) pair.
///
/// Built once over the references (an in-memory `HammingIndex`), then `match(query:)` may be
/// called for many queries, concurrently. It knows nothing of the store: the caller turns its
/// rows into `VideoFrames` and the segments back into rows.
public struct Matcher: Sendable {
    public let settings: MatchSettings
    /// The references' entries and the search over them.
    let index: ReferenceIndex
    /// A query's probes → raw frame matches.
    let lookup: CandidateLookup
    /// Raw frame matches → weighted by document frequency.
    let weighting: FrequencyWeighting

    /// - Parameter prebuiltSeeds: seed tables kept from an earlier matcher (`seedTables`, e.g.
    ///   in a persistent index file); used only when they were built over exactly these
    ///   entries (same hashes, indexed flags and table count), otherwise the index is built.
    public init(references: [VideoFrames], settings: MatchSettings = MatchSettings(), prebuiltSeeds: SeedIndex.Tables? = nil) {
        self.settings = settings
        self.index = ReferenceIndex(references: references, settings: settings, prebuiltSeeds: prebuiltSeeds)
        self.lookup = CandidateLookup(index: index, settings: settings)
        self.weighting = FrequencyWeighting(settings: settings)
    }

    public var references: [VideoFrames] { index.references }
    /// The search in use (`automatic` resolved by the index size).
    public var search: MatchSettings.CandidateSearch { index.candidateSearch }
    /// Entries that are indexed (and looked up against).
    public var indexedHashCount: Int { index.indexedCount }
    /// Whether the seed index came from `prebuiltSeeds` instead of being built.
    public var reusedSeeds: Bool { index.reusedSeeds }

    /// The seed index's tables with the digest of its entries, to keep and pass back as
    /// `prebuiltSeeds`; nil for the exhaustive search.
    public var seedTables: SeedIndex.Tables? { index.seedTables }

    /// Bytes of the matcher's own search structures (index, hashes, entry ranges), for benchmarks.
    public var indexByteCount: Int { index.byteCount }

    /// For each of `queries`, whether adding (or changing) the references `videoIDs` could
    /// change the query's segments (`CandidateLookup.touches`).
    public func touches(queries: [VideoFrames], videoIDs: Set<Int64>) -> [Bool] {
        lookup.touches(queries: queries, videoIDs: videoIDs)
    }

    /// Every frame match of `query` against every reference with a different `videoID`, by
    /// reference position in `references`, all with weight 1. Query frames below `minQuality`
    /// are not looked up; per reference frame the closest hash variant wins.
    public func rawFrameMatches(query: VideoFrames) -> [Int: [FrameMatch]] {
        lookup.lookUp(query: query).matches
    }

    /// The frame matches that may vote, weighted by document frequency (`FrequencyWeighting`).
    public func frameMatches(query: VideoFrames) -> [Int: [FrameMatch]] {
        weighing(query: query).matches
    }

    /// The query's lookup, weighted.
    func weighing(query: VideoFrames) -> WeightedMatches {
        weighting.weigh(lookup.lookUp(query: query), query: query, references: references)
    }

    /// The hashes that describe a video's frame `i` for matching (region and/or whole frame, as
    /// in the lookup), each with its mirrored hash; empty below `minQuality`.
    private func contentHashes(_ video: VideoFrames, _ i: Int) -> [(hash: PDQHash, mirror: PDQHash)] {
        var out: [(PDQHash, PDQHash)] = []
        if !settings.contentIsRegion(of: video), video.frames[i].quality >= settings.minQuality {
            out.append((video.frames[i].hash, video.frames[i].mirrorHash))
        }
        if video.hasRegions, video.regionFrames[i].quality >= settings.minQuality {
            out.append((video.regionFrames[i].hash, video.regionFrames[i].mirrorHash))
        }
        return out
    }

    /// `contentHashes` of a query frame with `turn` undone (a turned segment's extension); a
    /// frame without dihedral hashes has none.
    private func turnedContentHashes(_ video: VideoFrames, _ i: Int, _ turn: Orientation) -> [(hash: PDQHash, mirror: PDQHash)] {
        var out: [(PDQHash, PDQHash)] = []
        if !settings.contentIsRegion(of: video), video.frames[i].quality >= settings.minQuality,
           let p = video.frames[i].probe(undoing: turn) {
            out.append((p, p))
        }
        if video.hasRegions, video.regionFrames[i].quality >= settings.minQuality, let p = video.regionFrames[i].probe(undoing: turn) {
            out.append((p, p))
        }
        return out
    }

    /// Grows a segment along its line (hysteresis), then gives it its reported extent.
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
    /// with no neighbour, the video's start (0) or end (last sample + one sampling interval).
    /// Samples 3 … 17 s of an 18-s capture whose call starts at 2.5 s read 2.5 – 18 s. The
    /// reference times are the line at both ends.
    func extended(_ segment: MatchSegment, query: VideoFrames, reference: VideoFrames, common: Set<Int>,
                  referenceCommon: Set<Int> = []) -> MatchSegment {
        let times = query.frames.map(\.timestamp)
        let refTimes = reference.frames.map(\.timestamp)
        guard !times.isEmpty, !refTimes.isEmpty else { return segment }
        let offset = segment.referenceStart - segment.slope * segment.queryStart
        let line = { (t: Double) in segment.slope * t + offset }
        let refEnd = Self.end(of: reference, times: refTimes)
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
            let q = turn.isRotated ? turnedContentHashes(query, qi, turn) : contentHashes(query, qi)
            if q.isEmpty { return .stop }
            guard grow else { return .stop }
            let around = bracketingReferences(rt)
            // A reference sample dropped as common (pair matching knows both sides' common frames).
            if let nearest = around.min(by: { abs(refTimes[$0] - rt) < abs(refTimes[$1] - rt) }), referenceCommon.contains(nearest) {
                return .stop
            }
            guard !around.isEmpty else { return .unknown }
            let best = around.flatMap { ri in
                q.flatMap { qh in contentHashes(reference, ri).map { min(qh.hash.distance(to: $0.hash), qh.mirror.distance(to: $0.hash)) } }
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
        // Index range of the covered query frames.
        guard let firstMatched = times.firstIndex(where: { $0 >= segment.queryStart - 1e-9 }),
              let lastMatched = times.lastIndex(where: { $0 <= segment.queryEnd + 1e-9 }), firstMatched <= lastMatched else {
            return segment.clipped(queryEnd: Self.end(of: query, times: times), referenceEnd: refEnd)
        }
        let last = walk(from: lastMatched, by: 1), first = walk(from: firstMatched, by: -1)
        // Each cut lies between a covered sample and its uncovered neighbour: halfway is the
        // estimate (off by at most half the sampling interval). Before the first sample and
        // after the last, the video's start and end are the neighbours.
        let start = first > 0 ? (times[first - 1] + times[first]) / 2 : min(times[first], 0)
        let end = last + 1 < times.count ? (times[last] + times[last + 1]) / 2 : Self.end(of: query, times: times)
        var out = segment
        out.queryStart = start
        out.queryEnd = end
        out.referenceStart = line(start)
        out.referenceEnd = line(end)
        return out.clipped(queryEnd: Self.end(of: query, times: times), referenceEnd: refEnd)
    }

    /// Where a video's sampled time ends: its duration when known (and not before its last
    /// sample), else its last sample + one sampling interval.
    static func end(of video: VideoFrames, times: [Double]) -> Double {
        let last = times[times.count - 1]
        if let d = video.duration, d.isFinite, d > last { return min(d, last + typicalInterval(times)) }
        return last + typicalInterval(times)
    }

    /// The median spacing of sample times (1 s when there is only one sample).
    static func typicalInterval(_ times: [Double]) -> Double {
        guard times.count >= 2 else { return 1 }
        let gaps = zip(times, times.dropFirst()).map { $1 - $0 }.sorted()
        return gaps[gaps.count / 2]
    }

    /// Segments of `query` matching any reference other than itself, best score first.
    public func match(query: VideoFrames) -> [MatchSegment] {
        matchTracingReferences(query: query).segments
    }

    /// `match(query:)`, and the video ids of every reference the query's frames matched at all
    /// (raw frame matches, and near-identical whole frames that failed the region check), in
    /// ascending order: the only references whose frames decide this query's segments (through
    /// alignment and document frequency). A query that matches none of a set of added files
    /// keeps its segments when they are added (incremental matching).
    public func matchTracingReferences(query: VideoFrames) -> (segments: [MatchSegment], touched: [Int64]) {
        let aligner = SegmentAligner(settings: settings)
        var out: [MatchSegment] = []
        let weighted = weighing(query: query)
        for (v, matches) in weighted.matches.sorted(by: { $0.key < $1.key }) {
            out += aligner.segments(from: matches, queryVideoID: query.videoID, referenceVideoID: references[v].videoID)
                .map { extended($0, query: query, reference: references[v], common: weighted.common) }
        }
        return (out.sorted { ($0.score, $1.queryStart) > ($1.score, $0.queryStart) }, weighted.touched.map { references[$0].videoID }.sorted())
    }
}
