import Foundation
import Testing
@testable import KeyprintModel
@testable import KeyprintMatch
@testable import KeyprintStore
@testable import KeyprintPipeline

/// Incremental matching (docs/matching.md §1c) on real scanned files: a matched case plus a new
/// collection gives exactly what a full run gives, and says what it reused.
@Suite(.serialized) struct IncrementalMatchTests {
    /// Every field of every stored segment, in a canonical order.
    static func canonical(_ segments: [MatchSegment]) -> [String] { segments.map { "\($0)" }.sorted() }

    static func storedSegments(_ database: String) async throws -> [MatchSegment] {
        let store = try SQLiteCaseStore(path: database, create: false, readOnly: true)
        let runs = try await store.matchRuns().filter { $0.queryCollection == nil && $0.referenceCollection == nil }
        return try await store.matchSegments(runID: try #require(runs.last).id)
    }

    static func match(_ database: String, _ extra: [String]) throws -> String {
        let run = try KeyprintBinary.run(["match", "--db", database, "--quiet"] + extra)
        try #require(run.status == 0, "\(run.stderr)")
        return run.stdout
    }

    @Test(arguments: ["automatic", "seeded"])
    func aNewCollectionIsMatchedWithoutRedoingTheOldPairsAndEqualsAFullRun(search: String) async throws {
        let folder = try TemporaryFolder("keyprint-incremental")
        defer { folder.remove() }
        let database = folder.path + "/case.sqlite"
        func scan(_ sub: String) throws {
            let scan = try KeyprintBinary.run(["scan", TestPaths.samples.path + "/" + sub, "--db", database, "--collection", sub, "--jobs", "2", "--quiet"])
            try #require(scan.status == 0 || scan.status == 1, "\(scan.stderr)")
        }
        for sub in ["captures", "unrelated", "decode"] { try scan(sub) }
        let first = try Self.match(database, ["--search", search])
        #expect(!first.contains("Reused"))
        try scan("reuploads")
        let incremental = try Self.match(database, ["--search", search])
        let reusedLine = try #require(incremental.split(separator: "\n").first { $0.hasPrefix("Reused the results of ") }, "\(incremental)")
        let reused = Int(reusedLine.dropFirst("Reused the results of ".count).prefix { $0.isNumber }) ?? 0
        // The unrelated and decoder-edge files match no re-upload: at least those are reused;
        // the captures that the re-uploads copy are matched again.
        #expect(reused >= 4, "\(reusedLine)")
        #expect(reused < 12, "\(reusedLine)")
        let afterIncremental = try await Self.storedSegments(database)
        #expect(!afterIncremental.isEmpty)

        let full = try Self.match(database, ["--search", search, "--full"])
        #expect(!full.contains("Reused"))
        let afterFull = try await Self.storedSegments(database)
        #expect(Self.canonical(afterIncremental) == Self.canonical(afterFull))

        // Nothing changed: every query reused, the same results again.
        let again = try Self.match(database, ["--search", search])
        #expect(again.contains("Reused the results of 25 unchanged query file(s)"), "\(again)")
        #expect(Self.canonical(try await Self.storedSegments(database)) == Self.canonical(afterFull))

        // Other settings: nothing reused.
        let stricter = try Self.match(database, ["--search", search, "--threshold", "24"])
        #expect(!stricter.contains("Reused"))
    }
}
