import Foundation
import Testing
@testable import KeyprintStore
@testable import KeyprintStorePostgres
@testable import KeyprintPipeline

/// Known material on a PostgreSQL case through real `keyprint` processes: `import vpdq`,
/// `import hashset`, `match`, `export hits`, `export timeline` and `status` give on a
/// postgres:// case what they give on a SQLite case of the same evidence, byte for byte; the
/// refusals between imported and scanned collections hold there too.
@Suite(.serialized) struct PostgresKnownMaterialTests {
    static func run(_ arguments: [String]) throws -> KeyprintBinary.Run {
        let result = try KeyprintBinary.run(arguments)
        guard result.status == 0 else {
            throw TestToolError(message: "keyprint \(arguments.joined(separator: " ")) exited \(result.status): \(result.stdout)\n\(result.stderr)")
        }
        return result
    }

    /// What the commands print and write about the case's known material.
    struct Outputs: Equatable {
        var links: [String]
        var hits: String
        var timeline: String
        var status: [String]
    }

    /// Scans `evidence`, imports the vPDQ files under `hashes` and the hash sets `sets`, matches
    /// the evidence against the imported hashes and exports, all on `db`.
    static func outputs(db: String, evidence: String, hashes: String, sets: [String], out: String) throws -> Outputs {
        _ = try run(["scan", evidence, "--db", db, "--collection", "ev", "--quiet"])
        _ = try run(["import", "vpdq", hashes, "--db", db, "--collection", "known", "--quiet"])
        _ = try run(["import", "hashset"] + sets + ["--db", db, "--collection", "sets", "--quiet"])
        let match = try run(["match", "--db", db, "--query", "ev", "--reference", "known", "--quiet"])
        _ = try run(["export", "hits", "--db", db, "--format", "vics", "--output", out + "/hits.json"])
        _ = try run(["export", "timeline", "--db", db, "--output", out + "/timeline.csv"])
        let status = try run(["status", "--db", db])
        return Outputs(links: match.stdout.split(separator: "\n").map(String.init).filter { $0.contains(" ↔ ") },
                       hits: try String(contentsOfFile: out + "/hits.json", encoding: .utf8),
                       timeline: try String(contentsOfFile: out + "/timeline.csv", encoding: .utf8),
                       status: status.stdout.split(separator: "\n").map(String.init).filter { $0.contains("Known files") || $0.contains("hashes from") })
    }

    @Test(.enabled(if: TestPostgres.enabled, TestPostgres.skipReason))
    func importsMatchesAndHitsEqualTheSQLiteCase() async throws {
        guard TestPostgres.serverURL() != nil else { return }
        let folder = try TemporaryFolder("keyprint-pg-known")
        defer { folder.remove() }
        let evidence = try folder.sub("ev")
        for name in ["reuploads/call-a-360p.mp4", "reuploads/call-a-mirror.mp4", "unrelated/slides.mp4"] {
            try FileManager.default.copyItem(atPath: TestPaths.samples.path + "/" + name, toPath: evidence + "/" + URL(fileURLWithPath: name).lastPathComponent)
        }
        // The known material: the original capture's vPDQ hashes, and hash sets naming two evidence files.
        let hashes = try folder.sub("known")
        let vpdq = try Self.run(["hash", TestPaths.samples.path + "/captures/call-a.mp4"])
        try vpdq.stdout.write(toFile: hashes + "/call-a.txt", atomically: true, encoding: .utf8)
        let slides = try CustodyHasher.hash(path: evidence + "/slides.mp4").digests
        let copy = try CustodyHasher.hash(path: evidence + "/call-a-360p.mp4").digests
        let lab = folder.path + "/lab.csv", vics = folder.path + "/set.json"
        try "sha1,category,note\n\(slides.sha1),lab-known,from the lab\n".write(toFile: lab, atomically: true, encoding: .utf8)
        try """
            {"@odata.context": "http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/Default/$metadata#Media",
             "value": [{"MediaID": 1, "Category": "2", "MD5": "\(copy.md5.uppercased())"},
                       {"MediaID": 2, "Category": "1", "MD5": "\(String(repeating: "0", count: 32))"}]}
            """.write(toFile: vics, atomically: true, encoding: .utf8)

        let sqliteOut = try folder.sub("out-sqlite"), postgresOut = try folder.sub("out-postgres")
        let expected = try Self.outputs(db: folder.path + "/case.sqlite", evidence: evidence, hashes: hashes, sets: [vics, lab], out: sqliteOut)
        #expect(expected.links.count == 2, "\(expected.links)")
        #expect(expected.hits.contains("\"KeyprintMatch\" : \"exact+perceptual\""), "\(expected.hits)")
        #expect(expected.status.contains { $0.contains("Known files: 2 evidence file(s) in 2 hash set(s) of 3 record(s)") }, "\(expected.status)")

        _ = try await TestPostgres.withDatabase { url in
            let got = try Self.outputs(db: url, evidence: evidence, hashes: hashes, sets: [vics, lab], out: postgresOut)
            #expect(got.links == expected.links)
            #expect(got.hits == expected.hits)
            #expect(got.timeline == expected.timeline)
            #expect(got.status == expected.status)

            // Importing the same hash file again replaces its item (same file id, same frames).
            let store = try await PostgresCaseStore.open(url, access: .read)
            let before = try await store.files(collection: "known")
            let again = try Self.run(["import", "vpdq", hashes, "--db", url, "--collection", "known"])
            #expect(again.stdout.contains("Imported 1 item(s) (1 replacing an earlier import), 18 frame hash(es)"), "\(again.stdout)")
            let after = try await store.files(collection: "known")
            #expect(after.map(\.id) == before.map(\.id) && after.first?.importedFrom?.format == "vpdq")
            #expect(try await store.frames(fileID: after[0].id).count == 18)

            // Imported and scanned material keep to collections of their own.
            let intoScanned = try KeyprintBinary.run(["import", "vpdq", hashes, "--db", url, "--collection", "ev", "--quiet"])
            #expect(intoScanned.status == 2 && intoScanned.stderr.contains("collection ev holds scanned files"), "\(intoScanned.stderr)")
            let intoImported = try KeyprintBinary.run(["scan", evidence, "--db", url, "--collection", "known", "--quiet"])
            #expect(intoImported.status == 2 && intoImported.stderr.contains("collection known holds imported hashes"), "\(intoImported.stderr)")
            #expect(try await store.files(collection: nil).count == 4)
            await store.close()
        }
    }
}
