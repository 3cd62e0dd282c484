import Foundation
import KeyprintModel
import KeyprintMatch
import KeyprintStore

/// How one of several `keyprint match` processes on a shared (PostgreSQL) case names itself, and
/// how long a query it claimed stays its own without a heartbeat.
public struct MatchWorker: Sendable, Equatable {
    public var id: String
    public var leaseSeconds: Double

    public init(id: String, leaseSeconds: Double = ScanRequest.defaultLeaseSeconds) { self.id = id; self.leaseSeconds = leaseSeconds }
}

public enum SharedMatchError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The open run this worker joined plans a query this worker did not load.
    case planMismatch(matchID: Int64, fileID: Int64)

    public var description: String {
        switch self {
        case .planMismatch(let id, let file):
            return "the divided match run #\(id) this worker joined plans query file #\(file), which this worker does not have; run keyprint match again"
        }
    }
}

/// A match run divided between the workers of a `SharedMatchStore`: every worker with the same
/// comparison, settings and files joins one open run; each query file is claimed under a lease
/// that a heartbeat extends, matched against this worker's own index of the references and its
/// direct segments committed while the lease is held; a worker that dies loses its claims when
/// the lease expires. When no query is left, the worker that finishes last stores the one run,
/// made of every query's pair segments and assembled as one process assembles them, so that the
/// stored segments equal those of one process field by field.
extension MatchRunner {
    func runShared(_ request: MatchRequest, store: any SharedMatchStore, worker: MatchWorker,
                   references: [VideoFrames], queries: [VideoFrames], matcher: Matcher, digests: [Int64: UInt64], started: Date,
                   progress: @escaping @Sendable (_ done: Int, _ total: Int) -> Void) async throws -> MatchSummary {
        let lease = max(0.5, worker.leaseSeconds)
        var recorded = MatchRunSettings(request.settings)
        recorded.candidateSearch = matcher.search.rawValue
        let plan = SharedMatchPlan(queryCollection: request.queryCollection, referenceCollection: request.referenceCollection,
                                   key: Self.sharedKey(request, search: matcher.search, queries: queries, references: references, digests: digests),
                                   settings: recorded, commandLine: request.commandLine, queries: queries.map(\.videoID))
        let job = try await store.joinSharedMatch(plan, worker: worker.id)
        var byID: [Int64: VideoFrames] = [:]
        for q in queries { byID[q.videoID] = q }
        var videos = byID
        for r in references where videos[r.videoID] == nil { videos[r.videoID] = r }
        let files = videos, queryFiles = byID
        let reverse = ReverseEvidence(queries: queries, settings: request.settings)
        if let missing = job.queries.first(where: { byID[$0] == nil }) { throw SharedMatchError.planMismatch(matchID: job.id, fileID: missing) }

        // The heartbeat: a third of the lease between beats; a beat that fails is not fatal (the
        // guarded commit keeps a query from being stored twice).
        let beat = Task {
            while !Task.isCancelled {
                try? await Task.sleep(nanoseconds: UInt64(lease / 3 * 1e9))
                if Task.isCancelled { break }
                try? await store.matchHeartbeat(worker: worker.id, leaseSeconds: lease)
            }
        }
        defer { beat.cancel() }

        var matchedHere = 0
        progress(0, job.queries.count)
        do {
            while true {
                try Task.checkCancellation()
                try await withThrowingTaskGroup(of: (Int64, [MatchSegment]).self) { group in
                    func startNext() async throws -> Bool {
                        guard let id = try await store.claimNextQuery(matchID: job.id, worker: worker.id, leaseSeconds: lease),
                              let query = byID[id] else { return false }
                        group.addTask {
                            try Task.checkCancellation()
                            return (id, Self.pairSegments(of: query, matcher: matcher, videos: files, queries: queryFiles, reverse: reverse))
                        }
                        return true
                    }
                    for _ in 0..<max(1, request.jobs) where !(try await startNext()) { break }
                    while let (id, segments) = try await group.next() {
                        // A lost lease (this worker stalled past it): another worker stores that query.
                        if try await store.commitQuery(matchID: job.id, fileID: id, segments: segments, worker: worker.id) {
                            matchedHere += 1
                            progress(matchedHere, job.queries.count)
                        }
                        _ = try await startNext()
                    }
                }
                let open = try await store.openQueries(matchID: job.id, excluding: worker.id)
                if open.left == 0, let finished = try await store.finishSharedMatch(matchID: job.id, run: MatchRun(
                    queryCollection: request.queryCollection, referenceCollection: request.referenceCollection, settings: recorded,
                    commandLine: request.commandLine, startedAt: started), assemble: { Self.assemble($0, request) }) {
                    beat.cancel()
                    try await store.releaseMatchLeases(worker: worker.id)
                    let pairs = Set(finished.segments.map(\.filePair))
                    let derived = Set(finished.segments.filter { $0.via != nil }.map(\.filePair))
                    return MatchSummary(run: finished.run, queryFiles: queries.count, referenceFiles: references.count, segments: finished.segments,
                                        linkedPairs: pairs.count, derivedPairs: derived.count, search: matcher.search,
                                        indexedHashes: matcher.indexedHashCount, indexBytes: matcher.indexByteCount)
                }
                // Queries other workers hold: wait; a lease that expires (its worker died) is claimable then.
                try await Task.sleep(nanoseconds: UInt64(min(0.25, lease / 4) * 1e9))
            }
        } catch {
            beat.cancel()
            try? await store.releaseMatchLeases(worker: worker.id)
            throw error
        }
    }

    /// The segments of the pairs that `query` answers for in a divided run: the pairs it forms
    /// with the references its frames matched, aligned from both files' evidence as one process
    /// aligns them (`Matcher.pairSegments`; a partner that is not a query gives its evidence
    /// against the queries, `ReverseEvidence`). A pair of two queries that matched each other is
    /// answered by the one with the smaller id, so that every pair is stored once. The partner's
    /// evidence is looked up here again (the worker holding it may be another), which costs one
    /// lookup more per linked partner.
    static func pairSegments(of query: VideoFrames, matcher: Matcher, videos: [Int64: VideoFrames],
                             queries: [Int64: VideoFrames], reverse: ReverseEvidence) -> [MatchSegment] {
        let own = matcher.evidence(query: query)
        let queryIDs = Set(queries.keys)
        var segments: [MatchSegment] = []
        for partner in own.matchedReferences {
            guard let other = videos[partner] else { continue }
            let theirs: QueryEvidence
            if let partnerQuery = queries[partner] {
                theirs = matcher.evidence(query: partnerQuery)
                if !(theirs.matches[query.videoID] ?? []).isEmpty, partner < query.videoID { continue }
            } else {
                theirs = reverse.evidence(of: other)
            }
            segments += matcher.pairSegments(query, other, aEvidence: own, bEvidence: theirs)
                .map { fromQuerySide($0, queries: queryIDs) }
        }
        return segments
    }

    /// What decides whether two workers take part in the same run: the matcher key (program
    /// version, settings, search), the comparison, and every query and reference with its
    /// content digest (FNV-1a over the ids and digests in order).
    static func sharedKey(_ request: MatchRequest, search: MatchSettings.CandidateSearch, queries: [VideoFrames], references: [VideoFrames],
                          digests: [Int64: UInt64]) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ v: UInt64) {
            var x = v
            for _ in 0..<8 { h = (h ^ (x & 0xff)) &* 0x0000_0100_0000_01b3; x >>= 8 }
        }
        for list in [queries, references] {
            mix(UInt64(list.count))
            for v in list { mix(UInt64(bitPattern: v.videoID)); mix(digests[v.videoID] ?? v.contentDigest) }
        }
        let comparison = "query \(request.queryCollection.map { "[\($0)]" } ?? "*") reference \(request.referenceCollection.map { "[\($0)]" } ?? "*")"
        return "\(matcherKey(request.settings, search: search)); \(comparison); files \(String(h, radix: 16))"
    }
}
