import Foundation
import Testing
@testable import KeyprintModel
@testable import KeyprintStore
@testable import KeyprintStorePostgres

/// `SharedMatchStore`'s promises on a real PostgreSQL server: one open run per key, a query
/// taken over after its lease expired is stored by its new holder only, and the run is stored
/// once, when every query is done.
@Suite(.serialized) struct SharedMatchStoreTests {
    static func segment(_ q: Int64, _ r: Int64, score: Double) -> MatchSegment {
        MatchSegment(queryVideoID: q, referenceVideoID: r, queryStart: 0, queryEnd: 4.5, referenceStart: 1, referenceEnd: 5.5,
                     slope: 1, matchedFrames: 5, meanDistance: 3.25, score: score, transform: .none)
    }

    @Test(.enabled(if: TestPostgres.enabled, TestPostgres.skipReason))
    func aQueryWhoseLeaseExpiredIsStoredByItsNewHolderOnlyAndTheRunOnceWhenAllAreDone() async throws {
        _ = try await TestPostgres.withStore { store in
            let settings = ScanSettings(sampling: .defaultInterval, timeBudget: 600, jobs: 1)
            let scan = try await store.beginScan(root: "/evidence", collection: "c", settings: settings, commandLine: "test", versions: "test")
            let ids = try await store.markPendingShared(collection: "c", root: "/evidence", files: [
                WalkedFile(relativePath: "one.mp4", stamp: FileStamp(size: 1, mtimeNanoseconds: 1), seenVersion: nil),
                WalkedFile(relativePath: "two.mp4", stamp: FileStamp(size: 2, mtimeNanoseconds: 2), seenVersion: nil),
            ], scanID: scan.id).compactMap { $0 }
            #expect(ids.count == 2)
            let recorded = MatchRunSettings(thresholdBits: 31, minDuration: 3, minQuality: 50, maxDocumentFrequency: 100,
                                            matchWholeFramesOfRegionVideos: false, deriveLinks: true)
            let plan = SharedMatchPlan(queryCollection: nil, referenceCollection: nil, key: "k", settings: recorded, commandLine: "match", queries: ids)
            let a = try await store.joinSharedMatch(plan, worker: "a")
            let b = try await store.joinSharedMatch(plan, worker: "b")
            #expect(a.id == b.id && a.queries == ids && b.queries == ids, "one open run per key, in plan order")
            var other = plan
            other.key = "k2"
            #expect(try await store.joinSharedMatch(other, worker: "c").id != a.id, "another key, another run")

            // a takes the first query and stalls past its lease; b takes it over. The lease is run
            // out on the server's clock (set into the past) rather than by sleeping: on a loaded
            // machine a short lease can expire before b's first claim, which is not what is tested.
            #expect(try await store.claimNextQuery(matchID: a.id, worker: "a", leaseSeconds: 600) == ids[0])
            #expect(try await store.claimNextQuery(matchID: a.id, worker: "b", leaseSeconds: 600) == ids[1], "a live lease is skipped")
            _ = try await store.write { c, l in
                try await c.query("UPDATE shared_match_queries SET lease_expires = now() - interval '1 second' WHERE lease_worker = 'a'", logger: l)
            }
            #expect(try await store.claimNextQuery(matchID: a.id, worker: "b", leaseSeconds: 600) == ids[0], "an expired lease is taken over")
            #expect(try await store.commitQuery(matchID: a.id, fileID: ids[0], segments: [Self.segment(ids[0], ids[1], score: 9)], worker: "a") == false,
                    "the worker that lost the lease stores nothing")
            let assemble: @Sendable ([MatchSegment]) -> [MatchSegment] = { $0 }
            let run = MatchRun(queryCollection: nil, referenceCollection: nil, settings: recorded, commandLine: "match", startedAt: Date())
            #expect(try await store.commitQuery(matchID: a.id, fileID: ids[0], segments: [Self.segment(ids[0], ids[1], score: 2)], worker: "b"))
            #expect(try await store.finishSharedMatch(matchID: a.id, run: run, assemble: assemble) == nil, "a query is left")
            #expect(try await store.openQueries(matchID: a.id, excluding: "a") == (1, 1))
            #expect(try await store.commitQuery(matchID: a.id, fileID: ids[1], segments: [Self.segment(ids[1], ids[0], score: 1)], worker: "b"))
            let finished = try #require(try await store.finishSharedMatch(matchID: a.id, run: run, assemble: assemble))
            #expect(finished.segments.map(\.score) == [2, 1], "b's segments in plan order, a's never: \(finished.segments.map(\.score))")
            let again = try #require(try await store.finishSharedMatch(matchID: a.id, run: run, assemble: assemble))
            #expect(again.run.id == finished.run.id && again.segments == finished.segments, "stored once; a second finisher reads it")
            #expect(try await store.matchRuns().map(\.id) == [finished.run.id])
            #expect(try await store.matchSegments(runID: finished.run.id) == finished.segments)
            // The run is no longer open: the same key opens a new one.
            #expect(try await store.joinSharedMatch(plan, worker: "a").id != a.id)
            let workers = try await store.matchWorkers()
            #expect(workers.first { $0.id == "b" }?.committed == 2 && workers.first { $0.id == "a" }?.committed == 0, "\(workers)")
        }
    }
}
