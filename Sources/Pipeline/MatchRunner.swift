import Foundation
import KeyprintModel
import KeyprintDecode
import KeyprintIndex
import KeyprintMatch
import KeyprintStore
import KeyprintExport

/// What to compare and how: a query collection against a reference collection (nil: every
/// collection of the case).
public struct MatchRequest: Sendable {
    public var queryCollection: String?
    public var referenceCollection: String?
    public var settings: MatchSettings
    /// Query files matched at once.
    public var jobs: Int
    public var commandLine: String
    /// Reuse the previous run of the same comparison where that gives the same results
    /// (incremental matching, docs/matching.md §1c); false: match every query.
    public var reuse: Bool
    /// On a `SharedMatchStore`: this process as one of the workers that divide the run
    /// (`MatchRunner+Shared.swift`); nil: one process matches every query.
    public var worker: MatchWorker? = nil
    /// Read and keep the persistent index file beside a SQLite case database (docs/matching.md
    /// §1d); false: read every file's hashes from the store and build the index, as before.
    public var persistentIndex: Bool = true

    public init(queryCollection: String?, referenceCollection: String?, settings: MatchSettings, jobs: Int, commandLine: String,
                reuse: Bool = true) {
        self.queryCollection = queryCollection; self.referenceCollection = referenceCollection
        self.settings = settings; self.jobs = jobs; self.commandLine = commandLine; self.reuse = reuse
    }
}

/// A stored match run and what it found.
public struct MatchSummary: Sendable {
    public var run: MatchRun
    public var queryFiles: Int
    public var referenceFiles: Int
    /// The stored segments, highest score first.
    public var segments: [MatchSegment]
    /// Distinct unordered file pairs with at least one segment.
    public var linkedPairs: Int
    /// Of those, pairs linked only through a third file (`LinkDeriver`).
    public var derivedPairs: Int
    /// The candidate search used (`automatic` resolved) and the number of indexed hashes.
    public var search: MatchSettings.CandidateSearch = .exhaustive
    public var indexedHashes: Int = 0
    /// Bytes of the matcher's search structures (index, hashes, entry ranges).
    public var indexBytes: Int = 0
    /// The earlier run of the same comparison whose results were reused, and how many query
    /// files kept their segments from it (unchanged, and no frame match with a new, changed
    /// or removed reference); nil: nothing reused (no such run, other settings or program
    /// version, a store without `MatchReuseStore`, or `MatchRequest.reuse` off).
    public var reusedRun: Int64? = nil
    public var reusedQueries: Int = 0
    /// What the run took from and did with the persistent index file; nil without one (not
    /// SQLite, or `MatchRequest.persistentIndex` off).
    public var persistentIndex: PersistentIndexReport? = nil
}

public enum MatchRunnerError: Error, Sendable, Equatable, CustomStringConvertible {
    case unknownCollection(String)

    public var description: String {
        switch self {
        case .unknownCollection(let name): return "no collection named \(name) in the case database"
        }
    }
}

/// Loads done files' frame and region hashes from the store as `VideoFrames` (video id = file
/// id), builds one `Matcher` over the references, matches every query in a bounded task group
/// and stores the segments as one run, replacing the earlier results of the same comparison.
///
/// With `MatchSettings.deriveLinks` and the same collection on both sides, pairs that did not
/// match each other but both matched a third file over the same stretch get derived segments
/// (`LinkDeriver`).
///
/// Each unordered file pair is aligned once (`Matcher.pairSegments`), from both files' frame
/// matches in the pair's canonical orientation, so its segments do not depend on which file
/// was the query nor on the other files of the case: when both files are queries and
/// references (every-against-every, or overlapping collections), from both lookups; when the
/// other file is a reference only (two collections), from the query's lookup and the
/// reference's lookup against the queries (`ReverseEvidence`), so that swapping `--query` and
/// `--reference` gives the same segments.
public struct MatchRunner: Sendable {
    public let store: any CaseStore

    public init(store: any CaseStore) { self.store = store }

    public func run(_ request: MatchRequest,
                    progress: @escaping @Sendable (_ done: Int, _ total: Int) -> Void = { _, _ in }) async throws -> MatchSummary {
        let started = Date()
        let allFiles = try await store.files(collection: nil)
        let collections = Set(allFiles.map(\.collection))
        for name in [request.queryCollection, request.referenceCollection].compactMap({ $0 }) where !collections.contains(name) {
            throw MatchRunnerError.unknownCollection(name)
        }
        var inputs = try await MatchInputs.load(store: store, allFiles: allFiles, enabled: request.persistentIndex)
        var references = try await inputs.videoFrames(collection: request.referenceCollection)
        var queries = request.queryCollection == request.referenceCollection
            ? references : try await inputs.videoFrames(collection: request.queryCollection)
        // Ignore lists (`import vpdq --role ignore`): never matched themselves, and no frame
        // within the threshold of one of their hashes votes anywhere.
        let ignoreLists = allFiles.filter { $0.state == .done && $0.importedFrom?.role == .ignore }
        if !ignoreLists.isEmpty {
            var ignored: [PDQHash] = []
            for file in ignoreLists { ignored += try await store.frames(fileID: file.id).map(\.hash) }
            let ids = Set(ignoreLists.map(\.id))
            let mask = IgnoreMask(hashes: ignored, thresholdBits: request.settings.thresholdBits)
            references = references.filter { !ids.contains($0.videoID) }.map(mask.apply)
            queries = queries.filter { !ids.contains($0.videoID) }.map(mask.apply)
        }
        let matcher = Matcher(references: references, settings: request.settings, prebuiltSeeds: inputs.seeds)
        inputs.keep(matcher)
        let matcherKey = Self.matcherKey(request.settings, search: matcher.search)
        var digests: [Int64: UInt64] = [:]
        for video in references + (request.queryCollection == request.referenceCollection ? [] : queries) where digests[video.videoID] == nil {
            digests[video.videoID] = video.contentDigest
        }

        if let worker = request.worker, let shared = store as? any SharedMatchStore {
            return try await runShared(request, store: shared, worker: worker, references: references, queries: queries, matcher: matcher,
                                       digests: digests, started: started, progress: progress)
        }

        // Incremental: queries of the previous run of this comparison that keep their segments.
        var reused: [Int64: MatchedFile] = [:]
        var reusedRun: Int64?
        // Queries of the previous run that changed or are gone: the references they touched.
        var goneOrChangedTouches = Set<Int64>()
        let reuseStore = store as? any MatchReuseStore
        if request.reuse, let reuseStore,
           let previous = try await store.matchRuns().last(where: { $0.queryCollection == request.queryCollection && $0.referenceCollection == request.referenceCollection }),
           let state = try await reuseStore.matchReuseState(runID: previous.id), state.matcherKey == matcherKey {
            let before = Dictionary(state.files.map { ($0.fileID, $0) }, uniquingKeysWith: { a, _ in a })
            let currentReferences = Set(references.map(\.videoID))
            // References that are new or whose content changed, and references that are gone.
            let dirty = Set(references.filter { r in before[r.videoID].map { !$0.isReference || $0.digest != digests[r.videoID] } ?? true }.map(\.videoID))
            let changed = dirty.union(state.files.filter { $0.isReference && !currentReferences.contains($0.fileID) }.map(\.fileID))
            let unchanged = queries.filter { q in
                guard let old = before[q.videoID], old.isQuery, old.digest == digests[q.videoID] else { return false }
                return old.touched.allSatisfy { !changed.contains($0) }
            }
            for (q, touches) in zip(unchanged, matcher.touches(queries: unchanged, videoIDs: dirty)) where !touches {
                reused[q.videoID] = before[q.videoID]
            }
            reusedRun = previous.id
            let current = Set(queries.map(\.videoID))
            for old in state.files where old.isQuery && (!current.contains(old.fileID) || old.digest != digests[old.fileID]) {
                goneOrChangedTouches.formUnion(old.touched)
            }
        }

        // Queries looked up again: those whose results cannot be reused, then the queries that
        // pair with one of them (a pair's segments come from both files' evidence, so its
        // other side is looked up too, although its own evidence is unchanged).
        let redone = Set(queries.map(\.videoID).filter { reused[$0] == nil })
        var evidence: [Int64: QueryEvidence] = [:]
        var done = queries.count - redone.count
        progress(done, queries.count)
        func lookUp(_ indices: [Int], counted: Bool) async throws {
            try await withThrowingTaskGroup(of: QueryEvidence.self) { group in
                var next = indices.makeIterator()
                func startNext() -> Bool {
                    guard let i = next.next() else { return false }
                    let query = queries[i]
                    group.addTask {
                        try Task.checkCancellation()
                        return matcher.evidence(query: query)
                    }
                    return true
                }
                for _ in 0..<max(1, request.jobs) where !startNext() { break }
                while let found = try await group.next() {
                    evidence[found.videoID] = found
                    if counted { done += 1; progress(done, queries.count) }
                    _ = startNext()
                }
            }
        }
        try await lookUp(queries.indices.filter { redone.contains(queries[$0].videoID) }, counted: true)
        var partners = Set<Int64>()
        for id in redone { partners.formUnion(evidence[id]?.touched ?? []) }
        for (id, old) in reused where old.touched.contains(where: redone.contains) { partners.insert(id) }
        // References that are not queries (two collections): their evidence is a lookup against
        // the queries (`ReverseEvidence`), so a pair with one whose set of touching queries may
        // have changed (a redone query touches it, a changed or removed one did) is aligned again.
        let queryIDs = Set(queries.map(\.videoID))
        var reverseDirty = goneOrChangedTouches.filter { !queryIDs.contains($0) }
        for id in redone { reverseDirty.formUnion((evidence[id]?.touched ?? []).filter { !queryIDs.contains($0) }) }
        for (id, old) in reused where old.touched.contains(where: reverseDirty.contains) { partners.insert(id) }
        partners = partners.filter { reused[$0] != nil }
        try await lookUp(queries.indices.filter { partners.contains(queries[$0].videoID) }, counted: false)

        // Each linked pair once: recomputed when one of its files was looked up as a redone
        // query, else kept from the previous run (both files unchanged, neither touched anything new).
        var videos: [Int64: VideoFrames] = [:]
        for v in queries + references where videos[v.videoID] == nil { videos[v.videoID] = v }
        var aligned = Set<[Int64]>()
        for (id, found) in evidence {
            for r in found.matchedReferences where redone.contains(id) || redone.contains(r) || reverseDirty.contains(r) {
                aligned.insert([min(id, r), max(id, r)])
            }
        }
        let reverse = ReverseEvidence(queries: queries, settings: request.settings)
        var reverseEvidence: [Int64: QueryEvidence] = [:]
        for id in Set(aligned.joined()) where !queryIDs.contains(id) {
            if let v = videos[id] { reverseEvidence[id] = reverse.evidence(of: v) }
        }
        var direct: [MatchSegment] = []
        for pair in aligned.sorted(by: { ($0[0], $0[1]) < ($1[0], $1[1]) }) {
            guard let a = videos[pair[0]], let b = videos[pair[1]] else { continue }
            direct += matcher.pairSegments(a, b, aEvidence: evidence[pair[0]] ?? reverseEvidence[pair[0]],
                                           bEvidence: evidence[pair[1]] ?? reverseEvidence[pair[1]])
                .map { Self.fromQuerySide($0, queries: queryIDs) }
        }
        for q in queries {
            guard let old = reused[q.videoID] else { continue }
            direct += old.segments.filter { s in
                let other = s.queryVideoID == q.videoID ? s.referenceVideoID : s.queryVideoID
                return !redone.contains(other) && !reverseDirty.contains(other)
            }
        }
        let kept = Self.assemble(direct, request)
        var recorded = MatchRunSettings(request.settings)
        recorded.candidateSearch = matcher.search.rawValue
        var run = MatchRun(queryCollection: request.queryCollection, referenceCollection: request.referenceCollection,
                           settings: recorded, commandLine: request.commandLine,
                           startedAt: started, endedAt: Date())
        if let reuseStore {
            let referenceIDs = Set(references.map(\.videoID))
            var files: [MatchedFile] = []
            var segmentsOf: [Int64: [MatchSegment]] = [:]
            // A pair's segments go with its query side (the canonical one when both are queries).
            for s in direct { segmentsOf[queryIDs.contains(s.queryVideoID) ? s.queryVideoID : s.referenceVideoID, default: []].append(s) }
            for q in queries {
                files.append(MatchedFile(fileID: q.videoID, digest: digests[q.videoID] ?? 0, isQuery: true, isReference: referenceIDs.contains(q.videoID),
                                         touched: evidence[q.videoID]?.touched ?? reused[q.videoID]?.touched ?? [],
                                         segments: segmentsOf[q.videoID] ?? []))
            }
            for r in references where !queryIDs.contains(r.videoID) {
                files.append(MatchedFile(fileID: r.videoID, digest: digests[r.videoID] ?? 0, isQuery: false, isReference: true))
            }
            run = try await reuseStore.saveMatchRun(run, segments: kept, reuse: MatchReuseState(matcherKey: matcherKey, files: files))
        } else {
            run = try await store.saveMatchRun(run, segments: kept)
        }
        let pairs = Set(kept.map(\.filePair))
        let derived = Set(kept.filter { $0.via != nil }.map(\.filePair))
        return MatchSummary(run: run, queryFiles: queries.count, referenceFiles: references.count, segments: kept,
                            linkedPairs: pairs.count, derivedPairs: derived.count, search: matcher.search,
                            indexedHashes: matcher.indexedHashCount, indexBytes: matcher.indexByteCount,
                            reusedRun: reused.count > partners.count ? reusedRun : nil, reusedQueries: reused.count - partners.count,
                            persistentIndex: inputs.report)
    }

    /// A segment of a pair with one file that is not a query (two collections), seen from the
    /// query's side: aligned in the pair's canonical orientation, then turned round when that
    /// put the reference first (`MatchSegment.swapped` relabels the same spans exactly), so
    /// that `--query ev --reference known` lists the evidence as the query.
    static func fromQuerySide(_ s: MatchSegment, queries: Set<Int64>) -> MatchSegment {
        !queries.contains(s.queryVideoID) && queries.contains(s.referenceVideoID) ? s.swapped : s
    }

    /// The run's segments made of the pairs' direct segments (in any order; a shared run
    /// collects them from several workers): derived links added, highest score first.
    static func assemble(_ found: [MatchSegment], _ request: MatchRequest) -> [MatchSegment] {
        // One order whatever the input's, so that the derived links and the ties of the final
        // order do not depend on which worker (or which loop) found a pair first.
        func key(_ s: MatchSegment) -> (Int64, Int64, Int64, Double, Double, Double) {
            (min(s.queryVideoID, s.referenceVideoID), max(s.queryVideoID, s.referenceVideoID), s.queryVideoID,
             s.queryStart, s.referenceStart, s.queryEnd)
        }
        let direct = found.sorted { key($0) < key($1) }
        var stored = direct
        // Derived links only where every file was compared with every other (the same
        // collection on both sides): elsewhere two queries were never compared with each other.
        if request.settings.deriveLinks && request.queryCollection == request.referenceCollection {
            stored += LinkDeriver(minDuration: request.settings.minDuration).derive(from: direct)
        }
        return stored
            .sorted {
                ($0.score, $1.queryVideoID, $1.queryStart, $1.referenceVideoID, $1.referenceStart)
                    > ($1.score, $0.queryVideoID, $0.queryStart, $0.referenceVideoID, $0.referenceStart)
            }
    }

    /// Everything besides the files that decides a query's segments: the program version, every
    /// match setting, the search in use. A run is reused only under the same key.
    static func matcherKey(_ settings: MatchSettings, search: MatchSettings.CandidateSearch) -> String {
        "keyprint \(KeyprintVersion.string); search \(search.rawValue); segments per pair; \(settings)"
    }
}

/// Frames near an ignore list's hashes (within the match threshold, plain or mirrored) get
/// quality 0: below every `minQuality`, so they are neither indexed nor looked up.
struct IgnoreMask: Sendable {
    let index: HammingIndex
    let thresholdBits: Int

    init(hashes: [PDQHash], thresholdBits: Int) {
        index = HammingIndex(hashes: hashes)
        self.thresholdBits = thresholdBits
    }

    func ignores(_ frame: FrameHash) -> Bool {
        var near = false
        for hash in [frame.hash, frame.mirrorHash] where !near {
            index.forEachNeighbor(of: hash, radius: thresholdBits) { _ in near = true }
        }
        return near
    }

    func apply(_ video: VideoFrames) -> VideoFrames {
        var out = video
        func masked(_ frames: [FrameHash]) -> [FrameHash] {
            frames.map { f in
                guard ignores(f) else { return f }
                var g = f; g.quality = 0; return g
            }
        }
        out.frames = masked(video.frames)
        out.regionFrames = masked(video.regionFrames)
        out.pictureFrames = masked(video.pictureFrames)
        return out
    }
}
