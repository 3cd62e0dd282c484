import Foundation
import Testing
@testable import KeyprintModel
@testable import KeyprintMatch
@testable import KeyprintStore
@testable import KeyprintPipeline
@testable import KeyprintStorePostgres

/// `keyprint match --query A --reference B` on two collections (issue 12 item 3): a pair's
/// segments are the same with the collections swapped, and an incremental run equals a full one
/// when the query collection grows (docs/matching.md §2, "One alignment per pair").
@Suite(.serialized) struct TwoCollectionMatchTests {
    static func segments(_ database: String, query: String, reference: String) async throws -> [MatchSegment] {
        let store = try SQLiteCaseStore(path: database, create: false, readOnly: true)
        let run = try #require(try await store.matchRuns().last { $0.queryCollection == query && $0.referenceCollection == reference })
        return try await store.matchSegments(runID: run.id)
    }

    static func match(_ database: String, query: String, reference: String, _ extra: [String] = []) throws -> String {
        let run = try KeyprintBinary.run(["match", "--db", database, "--query", query, "--reference", reference, "--quiet"] + extra)
        try #require(run.status == 0, "\(run.stderr)")
        return run.stdout
    }

    /// Every field but the run id, each segment seen from the file with the smaller id, in one order.
    static func canonical(_ segments: [MatchSegment]) -> [String] {
        segments.map { $0.queryVideoID < $0.referenceVideoID ? $0 : $0.swapped }.map { s in
            func f(_ x: Double) -> String { String(format: "%.9f", x) }
            return "\(s.queryVideoID)→\(s.referenceVideoID) \(f(s.queryStart))–\(f(s.queryEnd)) ↔ \(f(s.referenceStart))–\(f(s.referenceEnd)) "
                + "speed \(f(s.slope)) frames \(s.matchedFrames) dist \(f(s.meanDistance)) score \(f(s.score)) \(s.transform) via \(String(describing: s.via))"
        }.sorted()
    }

    @Test func swappingTheCollectionsGivesTheSameSegmentsAndAGrownQueryCollectionMatchesIncrementallyAsInFull() async throws {
        let folder = try TemporaryFolder("keyprint-two-collections")
        defer { folder.remove() }
        // The re-uploads in two folders of one collection (`uploads`), the second scanned later.
        let uploads = TestPaths.samples.appendingPathComponent("reuploads").path
        let names = try FileManager.default.contentsOfDirectory(atPath: uploads).sorted()
        for (i, name) in names.enumerated() {
            let part = folder.path + (i % 2 == 0 ? "/first" : "/second")
            try FileManager.default.createDirectory(atPath: part, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: uploads + "/" + name, toPath: part + "/" + name)
        }
        // Files that share nothing with the captures: their results are reused.
        let unrelated = TestPaths.samples.appendingPathComponent("unrelated").path
        for name in try FileManager.default.contentsOfDirectory(atPath: unrelated) {
            try FileManager.default.copyItem(atPath: unrelated + "/" + name, toPath: folder.path + "/first/" + name)
        }
        let database = folder.path + "/case.sqlite"
        func scan(_ path: String, _ collection: String) throws {
            let scan = try KeyprintBinary.run(["scan", path, "--db", database, "--collection", collection, "--jobs", "2", "--quiet"])
            try #require(scan.status == 0 || scan.status == 1, "\(scan.stderr)")
        }
        try scan(TestPaths.samples.appendingPathComponent("captures").path, "captures")
        try scan(folder.path + "/first", "uploads")

        _ = try Self.match(database, query: "uploads", reference: "captures")
        let forward = try await Self.segments(database, query: "uploads", reference: "captures")
        _ = try Self.match(database, query: "captures", reference: "uploads")
        let swapped = try await Self.segments(database, query: "captures", reference: "uploads")
        let linked = Set(forward.map(\.filePair))
        #expect(linked.count >= 4, "pairs linked between the first half of the uploads and the captures: \(linked.count)")
        #expect(Self.canonical(forward) == Self.canonical(swapped))
        // Each run lists its own query collection's file as the query.
        let captures = Set(try await SQLiteCaseStore(path: database, create: false, readOnly: true).files(collection: "captures").map(\.id))
        #expect(forward.allSatisfy { !captures.contains($0.queryVideoID) && captures.contains($0.referenceVideoID) })
        #expect(swapped.allSatisfy { captures.contains($0.queryVideoID) && !captures.contains($0.referenceVideoID) })

        // The second half joins the query collection: the old queries that share no capture
        // with a new one are reused, and the result equals a full run's and the swapped run's.
        try scan(folder.path + "/second", "uploads")
        let incremental = try Self.match(database, query: "uploads", reference: "captures")
        #expect(incremental.contains("Reused the results of "), "\(incremental)")
        let afterIncremental = try await Self.segments(database, query: "uploads", reference: "captures")
        #expect(Set(afterIncremental.map(\.filePair)).count > linked.count)
        _ = try Self.match(database, query: "uploads", reference: "captures", ["--full"])
        let afterFull = try await Self.segments(database, query: "uploads", reference: "captures")
        #expect(Self.canonical(afterIncremental) == Self.canonical(afterFull))
        _ = try Self.match(database, query: "captures", reference: "uploads")
        #expect(Self.canonical(try await Self.segments(database, query: "captures", reference: "uploads")) == Self.canonical(afterFull))
    }

    /// The divided match of a PostgreSQL case (each query claimed by a worker, the partner's
    /// evidence looked up there) gives the same two-collection segments as SQLite.
    @Test(.enabled(if: TestPostgres.enabled, TestPostgres.skipReason))
    func onPostgreSQLTheSameSegmentsAsOnSQLite() async throws {
        guard TestPostgres.serverURL() != nil else { return }
        func scanBoth(_ db: String) throws {
            for collection in ["captures", "reuploads"] {
                let scan = try KeyprintBinary.run(["scan", TestPaths.samples.appendingPathComponent(collection).path, "--db", db,
                                                   "--collection", collection, "--jobs", "2", "--quiet"])
                try #require(scan.status == 0, "\(scan.stderr)")
            }
        }
        func named(_ store: any CaseStore, query: String, reference: String) async throws -> [String] {
            var names: [Int64: String] = [:]
            for file in try await store.files(collection: nil) { names[file.id] = file.collection + "/" + file.relativePath }
            let run = try #require(try await store.matchRuns().last { $0.queryCollection == query && $0.referenceCollection == reference })
            // Ids differ between the two databases: each segment seen from the file whose name sorts first, files by name.
            return try await store.matchSegments(runID: run.id).map { s in
                let t = names[s.queryVideoID]! < names[s.referenceVideoID]! ? s : s.swapped
                func f(_ x: Double) -> String { String(format: "%.9f", x) }
                return "\(names[t.queryVideoID]!)→\(names[t.referenceVideoID]!) \(f(t.queryStart))–\(f(t.queryEnd)) ↔ \(f(t.referenceStart))–\(f(t.referenceEnd)) "
                    + "speed \(f(t.slope)) frames \(t.matchedFrames) dist \(f(t.meanDistance)) score \(f(t.score)) \(t.transform)"
            }.sorted()
        }
        let folder = try TemporaryFolder("keyprint-two-collections-pg")
        defer { folder.remove() }
        let database = folder.path + "/case.sqlite"
        try scanBoth(database)
        _ = try Self.match(database, query: "reuploads", reference: "captures")
        let expected = try await named(try SQLiteCaseStore(path: database, create: false, readOnly: true), query: "reuploads", reference: "captures")
        #expect(expected.count >= 10)
        _ = try await TestPostgres.withDatabase { url in
            try scanBoth(url)
            for (query, reference) in [("reuploads", "captures"), ("captures", "reuploads")] {
                let run = try KeyprintBinary.run(["match", "--db", url, "--query", query, "--reference", reference, "--worker-id", "w", "--quiet"])
                try #require(run.status == 0, "\(run.stderr)")
            }
            let store = try await PostgresCaseStore.open(url, access: .read)
            let forward = try await named(store, query: "reuploads", reference: "captures")
            let swapped = try await named(store, query: "captures", reference: "reuploads")
            await store.close()
            #expect(forward == expected)
            #expect(swapped == expected)
        }
    }
}
