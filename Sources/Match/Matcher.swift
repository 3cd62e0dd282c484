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

    /// - Parameter prebuiltSeeds: seed tables kept from an earlier matcher (`seedTables`, e.g.
    ///   in a persistent index file); used only when they were built over exactly these
    ///   entries (same hashes, indexed flags and table count), otherwise the index is built.
    public init(references: [VideoFrames], settings: MatchSettings = MatchSettings(), prebuiltSeeds: SeedIndex.Tables? = nil) {
        self.settings = settings
        self.index = ReferenceIndex(references: references, settings: settings, prebuiltSeeds: prebuiltSeeds)
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

    /// The hashes query frame `qf` is looked up with, in this order: its whole frame and the
    /// picture inside its bars (each as stored, then mirrored), its own region hash (likewise),
    /// then the turned probes of each (issue 13).
    private func lookupProbes(_ query: VideoFrames, _ qf: Int, pictures: [Int: FrameHash]) -> [Probe] {
        let useWhole = settings.matchesWholeFrames(of: query)
        let frame = query.frames[qf]
        var probes: [Probe] = []
        func plain(_ f: FrameHash, _ kind: FrameHashKind) {
            probes.append(Probe(hash: f.hash, kind: kind, orientation: .none))
            probes.append(Probe(hash: f.mirrorHash, kind: kind, orientation: .mirror))
        }
        let usableWhole = useWhole && frame.quality >= settings.minQuality
        let usablePicture = useWhole ? pictures[qf].flatMap { $0.quality >= settings.minQuality ? $0 : nil } : nil
        // A borrowed region hash is looked up with its lender only; it still serves the region check.
        let ownRegion = query.hasRegions && !query.isBorrowedRegion(qf) && query.regionFrames[qf].quality >= settings.minQuality
        let regionKind = ownRegion ? FrameHashKind(regionOf: query, frame: qf) : .region
        if usableWhole { plain(frame, .wholeFrame) }
        if let picture = usablePicture { plain(picture, .picture) }
        if ownRegion { plain(query.regionFrames[qf], regionKind) }
        // The turned probes, after the unturned ones.
        if settings.turnedProbes {
            if usableWhole { probes += turnedProbes(frame, kind: .wholeFrame) }
            if let picture = usablePicture { probes += turnedProbes(picture, kind: .picture) }
            if ownRegion { probes += turnedProbes(query.regionFrames[qf], kind: regionKind) }
        }
        return probes
    }

    /// A frame's six turned probes (`FrameHash.probe(undoing:)`), each with the orientation it
    /// undoes; none without dihedral hashes. A turn under which the picture looks like itself
    /// (the turned hash within `thresholdBits` of the frame's own or mirror hash: a symmetric or
    /// nearly flat picture) is left out: the unturned lookup already finds what it would, and a
    /// match through it says nothing about a turn.
    private func turnedProbes(_ f: FrameHash, kind: FrameHashKind) -> [Probe] {
        guard f.dihedral != nil else { return [] }
        var out: [Probe] = []
        for o in DihedralHashes.stored {
            guard let h = f.probe(undoing: o),
                  h.distance(to: f.hash) > settings.thresholdBits, h.distance(to: f.mirrorHash) > settings.thresholdBits else { continue }
            out.append(Probe(hash: h, kind: kind, orientation: o))
        }
        return out
    }

    /// For each of `queries`, whether `lookUp(query:)` would find any frame match, failed
    /// region check or verified seed with one of the references `videoIDs`, i.e. whether adding
    /// (or changing) those references could change the query's segments. Seeded: a verified
    /// seed in one of them (every raw match of the seeded search comes from a candidate, which
    /// needs one, or is one), found in a small seed index over those references' entries with
    /// the same chunks (so exactly the seeds the full index would give there); exhaustive: the
    /// lookup itself.
    public func touches(queries: [VideoFrames], videoIDs: Set<Int64>) -> [Bool] {
        guard !videoIDs.isEmpty else { return queries.map { _ in false } }
        guard case .seeded(let seeds, _, _) = index.search else {
            return queries.map { query in
                let (matches, failed, _) = lookUp(query: query)
                return matches.keys.contains { videoIDs.contains(references[$0].videoID) }
                    || failed.values.contains { $0.contains { videoIDs.contains(references[$0].videoID) } }
            }
        }
        var small: [PDQHash] = [], owner: [Int64] = []
        for (v, ref) in references.enumerated() where videoIDs.contains(ref.videoID) {
            for id in index.entries(of: v) where index.entry(id, of: v) != nil {
                small.append(index.hashes[id]); owner.append(ref.videoID)
            }
        }
        let smallIndex = SeedIndex(hashes: small, tableCount: seeds.tableCount, chunkBits: seeds.chunkBits)
        return queries.map { query in
            let pictures = query.picturesByPosition()
            for qf in query.frames.indices {
                for probe in lookupProbes(query, qf, pictures: pictures) {
                    var hit = false
                    smallIndex.forEachCandidate(of: probe.hash) { i in
                        if !hit, owner[Int(i)] != query.videoID, small[Int(i)].distance(to: probe.hash) <= settings.thresholdBits { hit = true }
                    }
                    if hit { return true }
                }
            }
            return false
        }
    }

    /// Every frame match of `query` against every reference with a different `videoID`, by
    /// reference position in `references`, all with weight 1. Query frames below `minQuality`
    /// are not looked up; per reference frame the closest hash variant wins.
    public func rawFrameMatches(query: VideoFrames) -> [Int: [FrameMatch]] {
        lookUp(query: query).matches
    }

    /// `rawFrameMatches`, and per query frame the references whose whole frames matched it
    /// nearly exactly (within `differentRegionWholeFrameBits`) but failed the region check
    /// (`regionCheckedWholeFrames`). Those do not vote, yet they show that the picture occurs
    /// in those videos: they count toward document frequency, so a
    /// shared opening screen stays common even where one capture's opening has a region of its
    /// own (a moving spinner) and the others' have none.
    ///
    /// `seeded`: the seeded search's references with a verified seed (they decide which frames
    /// are crowded, so they belong to what the query's results depend on); empty when exhaustive.
    func lookUp(query: VideoFrames) -> (matches: [Int: [FrameMatch]], failedChecks: [Int: Set<Int>], seeded: Set<Int>) {
        var failedChecks: [Int: Set<Int>] = [:]
        let radius = settings.thresholdBits
        let checkWhole = settings.contentIsRegion(of: query)
        var byReference: [Int: [FrameMatch]] = [:]
        let pictures = query.picturesByPosition()
        // Best (distance, transform) per reference frame for the current query frame.
        var best: [Int: (distance: Int, transform: MatchTransform)] = [:]
        func probes(_ qf: Int) -> [Probe] { lookupProbes(query, qf, pictures: pictures) }
        /// One index entry within the radius of query frame `qf`'s probe.
        func consider(_ qf: Int, _ id: Int, of v: Int, _ distance: Int, _ probe: Probe) {
            let frame = query.frames[qf]
            guard references[v].videoID != query.videoID, let entry = index.entry(id, of: v) else { return }
            let rf = entry.frame
            // Whole frame ↔ whole frame of two region videos: only where their content
            // regions agree too (shared chrome around different panes does not).
            let ref = references[v]
            if checkWhole, !probe.kind.isCrop, !entry.kind.isCrop, ref.hasRegions,
               query.regionIsCrop(qf), ref.regionIsCrop(rf),
               !differentRegionsExempt(distance, query, frame.timestamp, ref, ref.frames[rf].timestamp) {
                let q = query.regionFrames[qf], r = ref.regionFrames[rf]
                // A turned whole frame: its region turned the same way must agree.
                let d = probe.isTurned ? (q.probe(undoing: probe.orientation)?.distance(to: r.hash) ?? .max)
                    : min(q.hash.distance(to: r.hash), q.mirrorHash.distance(to: r.hash))
                let agree = q.quality >= settings.minQuality && r.quality >= settings.minQuality
                    && d <= max(settings.thresholdBits, settings.extendThresholdBits)
                if !agree, !plainRegionsLetWholeFrameStand(distance, query: q, reference: r) {
                    if distance <= settings.differentRegionWholeFrameBits { failedChecks[qf, default: []].insert(v) }
                    return
                }
            }
            let key = v << 32 | rf
            // A crop when exactly one side is a crop: both sides' content
            // regions matching is the same picture, not a crop.
            let transform = MatchTransform(orientation: probe.orientation, cropped: probe.kind.isCrop != entry.kind.isCrop)
            if let current = best[key], !Self.better((distance, transform), than: current) { return }
            best[key] = (distance, transform)
        }
        let frameProbes = query.frames.indices.map(probes)
        // Seeded search: candidate references first (see `CandidateSearch.seeded`).
        var candidates: [Int] = []
        var crowdSeeds: [Int: [(probe: Int, id: Int, distance: Int)]] = [:]
        var allReached = Set<Int>()
        if case .seeded(let seeds, _, _) = index.search {
            var full = Set<Int>()
            var seedsOf: [Int: [(probe: Int, id: Int, distance: Int)]] = [:]
            for qf in query.frames.indices {
                var reached = Set<Int>()
                for (p, probe) in frameProbes[qf].enumerated() {
                    seeds.forEachCandidate(of: probe.hash) { id in
                        let v = index.video(of: Int(id))
                        guard references[v].videoID != query.videoID else { return }
                        let d = index.hashes[Int(id)].distance(to: probe.hash)
                        guard d <= radius else { return }
                        reached.insert(v)
                        seedsOf[qf, default: []].append((p, Int(id), d))
                    }
                }
                allReached.formUnion(reached)
                if reached.count < settings.crowdedSeedReferences { full.formUnion(reached) }
            }
            candidates = full.sorted()
            for (qf, list) in seedsOf {
                let rest = list.filter { !full.contains(index.video(of: $0.id)) }
                if !rest.isEmpty { crowdSeeds[qf] = rest }
            }
        }
        for (qf, frame) in query.frames.enumerated() {
            best.removeAll(keepingCapacity: true)
            let probes = frameProbes[qf]
            if case .exhaustive(let radiusIndex) = index.search {
                for probe in probes {
                    radiusIndex.forEachNeighbor(of: probe.hash, radius: radius) { n in
                        consider(qf, Int(n.id), of: index.video(of: Int(n.id)), n.distance, probe)
                    }
                }
            } else if !probes.isEmpty {
                // Every frame of every candidate reference, at the full radius.
                index.hashes.withUnsafeBufferPointer { h in
                    for v in candidates {
                        for id in index.entries(of: v) {
                            for probe in probes {
                                let d = h[id].distance(to: probe.hash)
                                if d <= radius { consider(qf, id, of: v, d, probe) }
                            }
                        }
                    }
                }
                for seed in crowdSeeds[qf] ?? [] {
                    consider(qf, seed.id, of: index.video(of: seed.id), seed.distance, probes[seed.probe])
                }
            }
            // In reference-frame order: the aligner breaks some ties by order, and a dictionary's
            // order depends on the process's hash seed and on the order matches were found in
            // (which differs between the exhaustive and the seeded search).
            for (key, value) in best.sorted(by: { $0.key < $1.key }) {
                let v = key >> 32, rf = key & 0xFFFF_FFFF
                byReference[v, default: []].append(FrameMatch(
                    queryFrame: qf, queryTime: frame.timestamp,
                    referenceFrame: rf, referenceTime: references[v].frames[rf].timestamp,
                    distance: value.distance, weight: 1, transform: value.transform))
            }
        }
        return (byReference, failedChecks, allReached)
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

    /// The frame matches that may vote, weighted by document frequency.
    ///
    /// df of a query frame = the number of references it matches, not counting a reference
    /// that is *strongly linked* to the query over that frame: a first alignment of all matches
    /// found a segment with it lasting `strongLinkDuration` or more whose query frames show at
    /// least `strongLinkMinStates` different pictures (hashes more than the threshold apart;
    /// a still opening screen or test card is one picture). So re-uploads of one recording do
    /// not make each other's frames "common", while a still screen or a short intro shared by
    /// many videos does. A frame with df ≥ `maxDocumentFrequency` is dropped; the others carry
    /// weight 1 / max(1, df).
    public func frameMatches(query: VideoFrames) -> [Int: [FrameMatch]] {
        weightedFrameMatches(query: query).matches
    }

    /// `frameMatches`, the query frames dropped as common (df ≥ `maxDocumentFrequency`), and
    /// the positions of every reference with a raw match or a failed region check.
    func weightedFrameMatches(query: VideoFrames) -> (matches: [Int: [FrameMatch]], common: Set<Int>, touched: Set<Int>) {
        let w = weighing(query: query)
        return (w.matches, w.common, w.touched)
    }

    /// `weightedFrameMatches`, with the raw matches (weight 1) and the document frequency of
    /// every query frame that has one (frames absent have df 0).
    func weighing(query: VideoFrames)
        -> (matches: [Int: [FrameMatch]], common: Set<Int>, touched: Set<Int>, raw: [Int: [FrameMatch]], df: [Int: Int]) {
        let (raw, failedChecks, seeded) = lookUp(query: query)
        let touched = Set(raw.keys).union(failedChecks.values.joined()).union(seeded)
        let aligner = SegmentAligner(settings: settings)
        // Query spans over which each reference is strongly linked.
        var strongSpans: [Int: [(Double, Double)]] = [:]
        for (v, matches) in raw {
            for s in aligner.segments(from: matches, queryVideoID: query.videoID, referenceVideoID: references[v].videoID)
            where s.queryDuration >= settings.strongLinkDuration - 1e-9
                && distinctPictures(in: query, from: s.queryStart, to: s.queryEnd) >= settings.strongLinkMinStates {
                strongSpans[v, default: []].append((s.queryStart, s.queryEnd))
            }
        }
        func stronglyLinked(_ v: Int, at time: Double) -> Bool {
            strongSpans[v]?.contains { time >= $0.0 - 1e-9 && time <= $0.1 + 1e-9 } ?? false
        }
        // df per query frame.
        var matchedBy: [Int: Set<Int>] = [:]
        for (v, matches) in raw {
            for m in matches where !stronglyLinked(v, at: m.queryTime) { matchedBy[m.queryFrame, default: []].insert(v) }
        }
        for (qf, references) in failedChecks {
            for v in references where !stronglyLinked(v, at: query.frames[qf].timestamp) { matchedBy[qf, default: []].insert(v) }
        }
        var out: [Int: [FrameMatch]] = [:]
        for (v, matches) in raw {
            for var m in matches {
                let df = matchedBy[m.queryFrame]?.count ?? 0
                guard df < settings.maxDocumentFrequency else { continue }
                m.weight = 1 / Double(max(1, df))
                out[v, default: []].append(m)
            }
        }
        let common = Set(matchedBy.filter { $0.value.count >= settings.maxDocumentFrequency }.keys)
        return (out, common, touched, raw, matchedBy.mapValues(\.count))
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

    /// Pictures among the query's usable frames in [start, end]: a frame counts as new when its
    /// content hash is more than the threshold away from the last counted one.
    func distinctPictures(in query: VideoFrames, from start: Double, to end: Double) -> Int {
        let useRegions = settings.contentIsRegion(of: query)
        var last: PDQHash?
        var count = 0
        for (i, f) in query.frames.enumerated() where f.timestamp >= start - 1e-9 && f.timestamp <= end + 1e-9 {
            let content = useRegions ? query.regionFrames[i] : f
            guard content.quality >= settings.minQuality else { continue }
            if let l = last, l.distance(to: content.hash) <= settings.thresholdBits { continue }
            last = content.hash
            count += 1
        }
        return count
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
        let (weighted, common, touched) = weightedFrameMatches(query: query)
        for (v, matches) in weighted.sorted(by: { $0.key < $1.key }) {
            out += aligner.segments(from: matches, queryVideoID: query.videoID, referenceVideoID: references[v].videoID)
                .map { extended($0, query: query, reference: references[v], common: common) }
        }
        return (out.sorted { ($0.score, $1.queryStart) > ($1.score, $0.queryStart) }, touched.map { references[$0].videoID }.sorted())
    }

    /// An unturned match before a turned one (a turned probe only fills in reference frames the
    /// unturned probes missed, so results without turns stay as they were); then closer first;
    /// at equal distance the plainer transform (none, crop, mirror, both, then the turns).
    private static func better(_ a: (distance: Int, transform: MatchTransform), than b: (distance: Int, transform: MatchTransform)) -> Bool {
        let (ta, tb) = (a.transform.orientation.isRotated, b.transform.orientation.isRotated)
        if ta != tb { return !ta }
        if a.distance != b.distance { return a.distance < b.distance }
        return rank(a.transform) < rank(b.transform)
    }

    static func rank(_ t: MatchTransform) -> Int {
        switch t {
        case .none: 0
        case .crop: 1
        case .mirror: 2
        case .mirrorCrop: 3
        default: 4 + t.orientation.rawValue * 2 + (t.isCropped ? 1 : 0)
        }
    }
}
