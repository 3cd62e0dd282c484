import Foundation
import Testing

/// Imported hashes and scanned evidence never share a collection: `scan` into a collection
/// that holds imported items, and `import vpdq` into one that holds scanned files, are both
/// refused (exit 2) with a message naming the collection, and neither changes the case.
@Suite struct ImportCollectionTests {
    /// A vPDQ file of three frames one second apart.
    static func writeVPDQ(_ path: String) throws {
        let hash = String(repeating: "5a", count: 32)
        try (0..<3).map { "\($0 * 30),100,\(hash),\(String(format: "%.3f", Double($0)))\n" }.joined()
            .write(toFile: path, atomically: true, encoding: .utf8)
    }

    static func fileRows(_ db: String) throws -> String {
        let status = try KeyprintBinary.run(["status", "--db", db, "--json"])
        #expect(status.status == 0, "\(status.stderr)")
        return status.stdout
    }

    @Test func aScanIntoACollectionOfImportedItemsIsRefused() throws {
        let folder = try TemporaryFolder("keyprint-import-collection")
        defer { folder.remove() }
        let evidence = try folder.sub("known")
        try FileManager.default.copyItem(atPath: TestPaths.samples.path + "/unrelated/slides.mp4", toPath: evidence + "/slides.mp4")
        let hashes = folder.path + "/clip.txt"
        try Self.writeVPDQ(hashes)
        let db = folder.path + "/case.sqlite"
        let imported = try KeyprintBinary.run(["import", "vpdq", hashes, "--db", db, "--collection", "known", "--quiet"])
        #expect(imported.status == 0, "\(imported.stderr)")
        let before = try Self.fileRows(db)

        // The folder is named like the collection: the default --collection is the same name.
        for arguments in [["scan", evidence, "--db", db, "--quiet"], ["scan", evidence, "--db", db, "--collection", "known", "--quiet"]] {
            let scan = try KeyprintBinary.run(arguments)
            #expect(scan.status == 2, "\(scan.stdout) \(scan.stderr)")
            #expect(scan.stderr.contains("collection known holds imported hashes"), "\(scan.stderr)")
        }
        #expect(try Self.fileRows(db) == before)
        // Another collection scans as usual.
        #expect(try KeyprintBinary.run(["scan", evidence, "--db", db, "--collection", "evidence", "--quiet"]).status == 0)
    }

    @Test func anImportIntoACollectionOfScannedFilesIsRefused() throws {
        let folder = try TemporaryFolder("keyprint-import-collection")
        defer { folder.remove() }
        let evidence = try folder.sub("ev")
        try FileManager.default.copyItem(atPath: TestPaths.samples.path + "/unrelated/slides.mp4", toPath: evidence + "/slides.mp4")
        let db = folder.path + "/case.sqlite"
        #expect(try KeyprintBinary.run(["scan", evidence, "--db", db, "--quiet"]).status == 0)
        let before = try Self.fileRows(db)
        let hashes = folder.path + "/clip.txt"
        try Self.writeVPDQ(hashes)
        let imported = try KeyprintBinary.run(["import", "vpdq", hashes, "--db", db, "--collection", "ev", "--quiet"])
        #expect(imported.status == 2, "\(imported.stdout) \(imported.stderr)")
        #expect(imported.stderr.contains("collection ev holds scanned files"), "\(imported.stderr)")
        #expect(try Self.fileRows(db) == before)
    }
}
