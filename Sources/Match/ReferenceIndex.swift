import KeyprintModel
import KeyprintIndex

/// The references' hashes as one searchable set of entries: the first stage of matching, built
/// once per matcher (docs/matching.md §1, §1b).
///
/// The entries of reference v, in this order, with no per-entry map: its whole frames (every
/// frame, usable or not; none when its whole frames are not matched,
/// `MatchSettings.matchesWholeFrames(of:)`), the usable pictures inside letterbox bars (at
/// their frames' positions), its region hashes (every frame). An entry's reference, frame and
/// kind follow from its position (`video(of:)`, `entry(_:of:)`); entries that are not indexed
/// (below `minQuality`, borrowed region hashes) keep their hash but are skipped.
struct ReferenceIndex: Sendable {
    /// How a probe's candidate entries are found (`MatchSettings.CandidateSearch`).
    enum Search: Sendable {
        /// A radius index over every entry, indexed or not (`entry(_:of:)` skips the others).
        case exhaustive(HammingIndex)
        /// A seed index over the indexed entries, with the digest of what it was built over
        /// (`SeedIndex.entryDigest`) and whether its tables came from an earlier matcher.
        case seeded(SeedIndex, entryDigest: UInt64, reused: Bool)
    }

    let references: [VideoFrames]
    let minQuality: Int
    let search: Search
    /// Every entry's hash (shared with the search's copy), in entry order.
    let hashes: [PDQHash]
    /// Entries of reference v: whole frames `entryStart[v] ..< pictureStart[v]`, pictures
    /// `..< regionStart[v]` (at frame positions `picturePositions[v]`), region hashes
    /// `..< entryStart[v + 1]`.
    private let entryStart: [Int]
    private let pictureStart: [Int]
    private let regionStart: [Int]
    private let picturePositions: [[UInt32]]
    /// Entries that are indexed (and looked up against).
    let indexedCount: Int

    /// - Parameter prebuiltSeeds: seed tables kept from an earlier matcher; used only when they
    ///   were built over exactly these entries (same hashes, indexed flags and table count).
    init(references: [VideoFrames], settings: MatchSettings, prebuiltSeeds: SeedIndex.Tables?) {
        var hashes: [PDQHash] = []
        var entryStart: [Int] = [], pictureStart: [Int] = [], regionStart: [Int] = [], picturePositions: [[UInt32]] = []
        hashes.reserveCapacity(references.reduce(0) { $0 + $1.frames.count })
        for ref in references {
            entryStart.append(hashes.count)
            var positions: [UInt32] = []
            if settings.matchesWholeFrames(of: ref) {
                for fh in ref.frames { hashes.append(fh.hash) }
                pictureStart.append(hashes.count)
                // The picture inside letterbox bars counts as a whole frame of its frame.
                for (f, ph) in ref.picturesByPosition().sorted(by: { $0.key < $1.key }) where ph.quality >= settings.minQuality {
                    hashes.append(ph.hash); positions.append(UInt32(f))
                }
            } else {
                pictureStart.append(hashes.count)
            }
            regionStart.append(hashes.count)
            // A frame of a shot without a region carries its whole-frame hash here; a borrowed
            // region hash (dense sampling) is its lender's entry again: kept, not indexed.
            if ref.hasRegions { for fh in ref.regionFrames { hashes.append(fh.hash) } }
            picturePositions.append(positions)
        }
        entryStart.append(hashes.count)
        self.references = references
        self.minQuality = settings.minQuality
        self.hashes = hashes
        self.entryStart = entryStart
        self.pictureStart = pictureStart
        self.regionStart = regionStart
        self.picturePositions = picturePositions
        // Which entries are indexed, by position (one pass per reference; what `entry(_:of:)` tells).
        var indexed = [Bool](repeating: false, count: hashes.count)
        for (v, ref) in references.enumerated() {
            for id in entryStart[v]..<pictureStart[v] where ref.frames[id - entryStart[v]].quality >= settings.minQuality { indexed[id] = true }
            for id in pictureStart[v]..<regionStart[v] { indexed[id] = true }
            for id in regionStart[v]..<entryStart[v + 1] {
                let f = id - regionStart[v]
                if ref.regionFrames[f].quality >= settings.minQuality && !ref.isBorrowedRegion(f) { indexed[id] = true }
            }
        }
        let indexedCount = indexed.reduce(0) { $0 + ($1 ? 1 : 0) }
        self.indexedCount = indexedCount
        let chosen: MatchSettings.CandidateSearch = switch settings.candidateSearch {
        case .automatic: indexedCount <= settings.exhaustiveSearchLimit ? .exhaustive : .seeded
        case let chosen: chosen
        }
        switch chosen {
        case .exhaustive, .automatic:
            self.search = .exhaustive(HammingIndex(hashes: hashes))
        case .seeded:
            let digest = SeedIndex.entryDigest(hashes: hashes, indexed: indexed, tableCount: settings.seedTables)
            if let kept = prebuiltSeeds, kept.entryDigest == digest, let seeds = SeedIndex(hashes: hashes, tables: kept) {
                self.search = .seeded(seeds, entryDigest: digest, reused: true)
            } else {
                self.search = .seeded(SeedIndex(hashes: hashes, tableCount: settings.seedTables) { indexed[$0] }, entryDigest: digest, reused: false)
            }
        }
    }

    /// The search in use (`automatic` resolved by the index size).
    var candidateSearch: MatchSettings.CandidateSearch {
        switch search {
        case .exhaustive: .exhaustive
        case .seeded: .seeded
        }
    }

    /// Whether the seed index came from prebuilt tables instead of being built.
    var reusedSeeds: Bool {
        if case .seeded(_, _, let reused) = search { reused } else { false }
    }

    /// The seed index's tables with the digest of its entries; nil for the exhaustive search.
    var seedTables: SeedIndex.Tables? {
        if case .seeded(let seeds, let digest, _) = search { seeds.tables(entryDigest: digest) } else { nil }
    }

    /// Bytes of the search structures, hashes and entry ranges, for benchmarks.
    var byteCount: Int {
        let search = switch search {
        case .exhaustive(let index): hashes.count * 32 + index.count * 64 + 16 * 65_537 * 4
        case .seeded(let seeds, _, _): seeds.byteCount
        }
        return search + entryStart.count * 8 * 3 + picturePositions.reduce(0) { $0 + 8 + $1.count * 4 }
    }

    /// The entry ids of reference `v`, indexed or not.
    @inline(__always)
    func entries(of v: Int) -> Range<Int> { entryStart[v]..<entryStart[v + 1] }

    /// The reference holding entry `id` (the last with a start ≤ id: empty ones are skipped).
    @inline(__always)
    func video(of id: Int) -> Int {
        var lo = 0, hi = entryStart.count - 1
        while hi - lo > 1 { let mid = (lo + hi) / 2; if entryStart[mid] <= id { lo = mid } else { hi = mid } }
        return lo
    }

    /// Entry `id` of reference `v`: its frame position and which of the frame's hashes it is;
    /// nil when it is not indexed (below `minQuality`, a borrowed region hash).
    @inline(__always)
    func entry(_ id: Int, of v: Int) -> ReferenceEntry? {
        let ref = references[v]
        if id < pictureStart[v] {
            let f = id - entryStart[v]
            return ref.frames[f].quality >= minQuality ? ReferenceEntry(frame: f, kind: .wholeFrame) : nil
        }
        if id < regionStart[v] { return ReferenceEntry(frame: Int(picturePositions[v][id - pictureStart[v]]), kind: .picture) }
        let f = id - regionStart[v]
        guard ref.regionFrames[f].quality >= minQuality, !ref.isBorrowedRegion(f) else { return nil }
        return ReferenceEntry(frame: f, kind: FrameHashKind(regionOf: ref, frame: f))
    }
}
