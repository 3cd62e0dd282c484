import KeyprintModel
import KeyprintIndex

/// The second stage of matching: a query's probes looked up in the reference index, giving its
/// raw frame matches (weight 1) per reference (docs/matching.md §2.1–2.2, §1b, §2b).
///
/// Per query frame, every probe (`probes(of:frame:pictures:)`) finds the reference entries
/// within `thresholdBits`: all of them (exhaustive search), or every entry of each candidate
/// reference (seeded search: a reference with a verified seed, `seededCandidates`). Each entry
/// found goes through the region check (`RegionCheck`) and, per reference frame, the best
/// match wins (`CandidateMatch.isBetter(than:)`). The query never matches itself (same video id).
struct CandidateLookup: Sendable {
    let index: ReferenceIndex
    let settings: MatchSettings
    let regionCheck: RegionCheck

    init(index: ReferenceIndex, settings: MatchSettings) {
        self.index = index
        self.settings = settings
        self.regionCheck = RegionCheck(settings: settings)
    }

    var references: [VideoFrames] { index.references }

    /// Every frame match of `query` against every reference with a different `videoID`, by
    /// reference position, all with weight 1, in (query frame, reference frame) order; the
    /// near-identical whole frames that failed the region check; and, seeded, the references
    /// with a verified seed.
    func lookUp(query: VideoFrames) -> LookupResult {
        var failedChecks: [Int: Set<Int>] = [:]
        let radius = settings.thresholdBits
        let checkRegions = settings.contentIsRegion(of: query)
        var byReference: [Int: [FrameMatch]] = [:]
        let pictures = query.picturesByPosition()
        // The best match per reference frame (v << 32 | frame) for the current query frame.
        var best: [Int: CandidateMatch] = [:]
        /// One index entry within the radius of query frame `qf`'s probe.
        func consider(_ qf: Int, _ id: Int, of v: Int, _ distance: Int, _ probe: Probe) {
            let ref = references[v]
            guard ref.videoID != query.videoID, let entry = index.entry(id, of: v) else { return }
            if checkRegions {
                switch regionCheck.verdict(distance, query: query, frame: qf, probe: probe, reference: ref, entry: entry) {
                case .stands: break
                case .vetoed: return
                case .vetoedNearIdentical: failedChecks[qf, default: []].insert(v); return
                }
            }
            let key = v << 32 | entry.frame
            // A crop when exactly one side is a crop: both sides' content
            // regions matching is the same picture, not a crop.
            let match = CandidateMatch(distance: distance,
                                       transform: MatchTransform(orientation: probe.orientation, cropped: probe.kind.isCrop != entry.kind.isCrop))
            if let current = best[key], !match.isBetter(than: current) { return }
            best[key] = match
        }
        let frameProbes = query.frames.indices.map { probes(of: query, frame: $0, pictures: pictures) }
        let seeded = seededCandidates(of: query, probes: frameProbes)
        for (qf, frame) in query.frames.enumerated() {
            best.removeAll(keepingCapacity: true)
            let probes = frameProbes[qf]
            switch index.search {
            case .exhaustive(let radiusIndex):
                for probe in probes {
                    radiusIndex.forEachNeighbor(of: probe.hash, radius: radius) { n in
                        consider(qf, Int(n.id), of: index.video(of: Int(n.id)), n.distance, probe)
                    }
                }
            case .seeded:
                guard !probes.isEmpty else { break }
                // Every frame of every candidate reference, at the full radius.
                index.hashes.withUnsafeBufferPointer { h in
                    for v in seeded.candidates {
                        for id in index.entries(of: v) {
                            for probe in probes {
                                let d = h[id].distance(to: probe.hash)
                                if d <= radius { consider(qf, id, of: v, d, probe) }
                            }
                        }
                    }
                }
                for seed in seeded.crowdedSeeds[qf] ?? [] {
                    consider(qf, seed.entry, of: index.video(of: seed.entry), seed.distance, probes[seed.probe])
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
        return LookupResult(matches: byReference, failedChecks: failedChecks, seeded: seeded.reached)
    }

    /// A verified seed: probe `probe` of a query frame agrees exactly on a chunk with entry
    /// `entry` and lies within the radius of it.
    struct Seed {
        var probe: Int
        var entry: Int
        var distance: Int
    }

    /// What the seeded search compares a query with (`MatchSettings.CandidateSearch.seeded`).
    struct SeededCandidates {
        /// The references compared in full with every query frame, ascending: those with a
        /// verified seed of a frame that is not crowded.
        var candidates: [Int] = []
        /// Per query frame, its seeds in references that are not candidates (a crowded frame's
        /// seeds): matches as they are, without a full comparison.
        var crowdedSeeds: [Int: [Seed]] = [:]
        /// Every reference with a verified seed.
        var reached = Set<Int>()
    }

    /// The seeded search's candidates for `query` (`probes` per query frame); none for the
    /// exhaustive search. A query frame whose seeds reach `crowdedSeedReferences` references or
    /// more is crowded: its seeds do not make their references candidates.
    private func seededCandidates(of query: VideoFrames, probes frameProbes: [[Probe]]) -> SeededCandidates {
        var out = SeededCandidates()
        guard case .seeded(let seeds, _, _) = index.search else { return out }
        let radius = settings.thresholdBits
        var full = Set<Int>()
        var seedsOf: [Int: [Seed]] = [:]
        for qf in query.frames.indices {
            var reached = Set<Int>()
            for (p, probe) in frameProbes[qf].enumerated() {
                seeds.forEachCandidate(of: probe.hash) { id in
                    let v = index.video(of: Int(id))
                    guard references[v].videoID != query.videoID else { return }
                    let d = index.hashes[Int(id)].distance(to: probe.hash)
                    guard d <= radius else { return }
                    reached.insert(v)
                    seedsOf[qf, default: []].append(Seed(probe: p, entry: Int(id), distance: d))
                }
            }
            out.reached.formUnion(reached)
            if reached.count < settings.crowdedSeedReferences { full.formUnion(reached) }
        }
        out.candidates = full.sorted()
        for (qf, list) in seedsOf {
            let rest = list.filter { !full.contains(index.video(of: $0.entry)) }
            if !rest.isEmpty { out.crowdedSeeds[qf] = rest }
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
    func touches(queries: [VideoFrames], videoIDs: Set<Int64>) -> [Bool] {
        guard !videoIDs.isEmpty else { return queries.map { _ in false } }
        guard case .seeded(let seeds, _, _) = index.search else {
            return queries.map { query in
                let found = lookUp(query: query)
                return found.matches.keys.contains { videoIDs.contains(references[$0].videoID) }
                    || found.failedChecks.values.contains { $0.contains { videoIDs.contains(references[$0].videoID) } }
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
                for probe in probes(of: query, frame: qf, pictures: pictures) {
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
}

/// What one query's lookup found (`CandidateLookup.lookUp(query:)`), by reference position.
struct LookupResult: Sendable {
    /// Raw frame matches (weight 1) per reference, in (query frame, reference frame) order.
    var matches: [Int: [FrameMatch]]
    /// Per query frame, the references whose whole frames matched it nearly exactly (within
    /// `differentRegionWholeFrameBits`) but failed the region check. They do not vote, yet
    /// they show that the picture occurs in those videos: they count toward document frequency
    /// (`FrequencyWeighting`), so a shared opening screen stays common even where one capture's
    /// opening has a region of its own (a moving spinner) and the others' have none.
    var failedChecks: [Int: Set<Int>]
    /// Seeded search: the references with a verified seed (they decide which frames are
    /// crowded, so they belong to what the query's results depend on); empty when exhaustive.
    var seeded: Set<Int>

    /// Every reference the query's frames matched at all: raw matches, failed region checks,
    /// seeds. The only references whose frames decide this query's segments.
    var touched: Set<Int> { Set(matches.keys).union(failedChecks.values.joined()).union(seeded) }
}
