import Foundation
import Testing
@testable import KeyprintModel
@testable import KeyprintStore
@testable import KeyprintImport
@testable import KeyprintPipeline

/// `SQLiteCaseStore` as a `KnownMaterialStore`, beyond the contract both backends keep
/// (`KnownMaterialContract`: transactions, replacement, refusals, ignore lists, hash sets and
/// hits): the vPDQ importer over real files, and a database from before the migrations.
@Suite struct KnownMaterialStoreTests {
    @Test func theImporterReadsFoldersRecursivelyAndHashesTheFiles() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let hashes = try folder.sub("hashes/inner")
        let line = "0,100,\(VPDQParserTests.hashA),0.000\n"
        try line.write(toFile: hashes + "/b.txt", atomically: true, encoding: .utf8)
        try line.write(toFile: folder.path + "/hashes/a.txt", atomically: true, encoding: .utf8)
        try "not a hash file".write(toFile: folder.path + "/hashes/notes.md", atomically: true, encoding: .utf8)
        let store = try SQLiteCaseStore(path: folder.path + "/case.sqlite")
        let summary = try await VPDQImporter(store: store).run(paths: [folder.path + "/hashes"], collection: "k", commandLine: "t")
        #expect(summary.items == 2)
        let files = try await store.files(collection: "k")
        #expect(files.map(\.relativePath) == ["a.txt", "inner/b.txt"])
        // sha256 of the one line.
        #expect(files[0].importedFrom?.sha256 == "abf5eb08532d132ef118a9135c8241ec9d7db6e1b65351e0eba89d15f9cc714e")
        let bad = folder.path + "/bad.txt"
        try (line + "1,100,zz,0.1\n").write(toFile: bad, atomically: true, encoding: .utf8)
        await #expect(throws: ImportError.self) {
            _ = try await VPDQImporter(store: store).run(paths: [bad], collection: "k2", commandLine: "t")
        }
        #expect(try await store.files(collection: "k2").isEmpty)
    }
}

extension KnownMaterialStoreTests {
    /// status and the exports open a database read-only, unmigrated: one made before the
    /// known-material migrations has no hash sets, no hits and no imported items, not an error.
    @Test func aDatabaseFromBeforeTheMigrationsReadsWithoutKnownMaterial() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let path = folder.path + "/old.sqlite"
        try SQLiteCaseStore.makeDatabase(path: path, migratedUpTo: "v8-failure-retry", statements: [
            .init("INSERT INTO files (collection, root, relative_path, state, md5, sha1, sha256, updated_at) VALUES ('c', '/e', 'a.mp4', 'done', 'm', 's', 'h', '2024-01-01 00:00:00.000')"),
        ])
        let store = try SQLiteCaseStore(path: path, mode: .readOnly)
        #expect(try await store.hashSets().isEmpty)
        #expect(try await store.knownFileHits().isEmpty)
        let files = try await store.files(collection: nil)
        #expect(files.count == 1 && files[0].importedFrom == nil)
    }
}
