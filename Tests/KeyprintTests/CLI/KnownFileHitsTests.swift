import Foundation
import Testing
@testable import KeyprintImport
@testable import KeyprintPipeline

/// `keyprint import hashset` → known-file hits in `status`, the timeline and `export hits`,
/// through the built executable on two files copied from samples/.
@Suite struct KnownFileHitsTests {
    @Test func hitsShowInStatusTimelineAndTheVICSExport() throws {
        let folder = try TemporaryFolder("keyprint-hits")
        defer { folder.remove() }
        let evidence = try folder.sub("ev")
        for name in ["slides.mp4", "black-flat.mp4"] {
            try FileManager.default.copyItem(atPath: TestPaths.samples.path + "/unrelated/" + name, toPath: evidence + "/" + name)
        }
        let digests = try CustodyHasher.hash(path: evidence + "/slides.mp4").digests
        let md5 = digests.md5, sha1 = digests.sha1
        let db = folder.path + "/case.sqlite"
        #expect(try KeyprintBinary.run(["scan", evidence, "--db", db, "--quiet"]).status == 0)
        let vics = folder.path + "/set.json"
        try """
            {"@odata.context": "http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/Default/$metadata#Media",
             "value": [{"MediaID": 1, "Category": "2", "MD5": "\(md5.uppercased())"},
                       {"MediaID": 2, "Category": "1", "MD5": "\(String(repeating: "0", count: 32))"}]}
            """.write(toFile: vics, atomically: true, encoding: .utf8)
        let csv = folder.path + "/lab.csv"
        try "sha1,category,note\n\(sha1),lab-known,from the lab\n".write(toFile: csv, atomically: true, encoding: .utf8)
        let imported = try KeyprintBinary.run(["import", "hashset", vics, csv, "--db", db, "--collection", "sets"])
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stdout.contains("Imported 2 record(s) (vics-2.0)"), "\(imported.stdout)")
        #expect(imported.stdout.contains("Imported 1 record(s) (csv)"), "\(imported.stdout)")

        let status = try KeyprintBinary.run(["status", "--db", db])
        #expect(status.stdout.contains("Known files: 1 evidence file(s) in 2 hash set(s) of 3 record(s)"), "\(status.stdout)")
        #expect(status.stdout.contains("sets: category 2: 1 file(s)"), "\(status.stdout)")
        #expect(status.stdout.contains("sets: category lab-known: 1 file(s)"), "\(status.stdout)")

        // The same counts in status --json: per hash set and per category.
        let statusJSON = try KeyprintBinary.run(["status", "--db", db, "--json"])
        #expect(statusJSON.status == 0)
        let statusDocument = try JSONSerialization.jsonObject(with: Data(statusJSON.stdout.utf8)) as? [String: Any]
        let knownFiles = try #require(statusDocument?["known_files"] as? [String: Any])
        #expect(knownFiles["evidence_files"] as? Int == 1)
        let sets = try #require(knownFiles["hash_sets"] as? [[String: Any]])
        #expect(sets.map { ($0["source_path"] as? String).map { URL(fileURLWithPath: $0).lastPathComponent } } == ["lab.csv", "set.json"])
        #expect(sets.map { $0["records"] as? Int } == [1, 2])
        #expect(sets.map { $0["files"] as? Int } == [1, 1])
        #expect(sets.map { $0["format"] as? String } == ["csv", "vics-2.0"])
        let categories = try #require(knownFiles["categories"] as? [[String: Any]])
        #expect(categories.map { $0["category"] as? String } == ["2", "lab-known"])
        #expect(categories.allSatisfy { $0["collection"] as? String == "sets" && $0["files"] as? Int == 1 })

        let timeline = folder.path + "/timeline.csv"
        #expect(try KeyprintBinary.run(["export", "timeline", "--db", db, "--output", timeline]).status == 0)
        let table = TimelineCSVTests.parse(try String(contentsOfFile: timeline, encoding: .utf8))
        let rows = table.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(table[0], $0)) }
        let known = rows.filter { $0["timestamp_desc"] == "known file" }
        #expect(known.count == 2)
        #expect(known.allSatisfy { $0["query_path"]?.hasSuffix("/ev/slides.mp4") == true && $0["query_md5"] == md5 })
        #expect(known.contains { $0["message"] == "slides.mp4 is a known file: its md5 is in hash set sets (set.json), category 2" })
        #expect(known.contains { $0["message"] == "slides.mp4 is a known file: its sha1 is in hash set sets (lab.csv), category lab-known" })

        let hits = folder.path + "/hits.json"
        #expect(try KeyprintBinary.run(["export", "hits", "--db", db, "--format", "vics", "--output", hits]).status == 0)
        // The export reads back as VICS 2.0: one Media record, the evidence file's digests and category.
        var records: [HashSetRecord] = []
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: hits)))
        var once: [UInt8]? = bytes
        let format = try HashSetReader.read(file: hits, more: { defer { once = nil }; return once }) { records.append($0) }
        #expect(format == .vics20)
        #expect(records.count == 1)
        #expect(records.first?.md5 == md5 && records.first?.sha1 == sha1 && records.first?.category == "lab-known")  // the first set by path holding it; Comments names both
        let document = try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any]
        let media = (document?["value"] as? [[String: Any]])?.first
        #expect(media?["KeyprintMatch"] as? String == "exact")
        #expect(((media?["MediaFiles"] as? [[String: Any]])?.first?["FilePath"] as? String)?.hasSuffix("/ev/slides.mp4") == true)
    }
}
