import Foundation
import Testing
@testable import KeyprintModel
@testable import KeyprintStore
@testable import KeyprintImport
@testable import KeyprintPipeline
@testable import KeyprintMatch

/// `SQLiteCaseStore` as a `KnownMaterialStore`: one transaction per import, replacement by
/// name, the audit trail, and imported items seen as done files.
@Suite struct KnownMaterialStoreTests {
    static func item(_ name: String, frames: Int, seed: UInt64 = 1, sha: String = "ab") -> ImportedItem {
        var rng = SplitMix64(seed: seed)
        let hashes = (0..<frames).map { i -> FrameHash in
            let h = PDQHash(w0: rng.next(), w1: rng.next(), w2: rng.next(), w3: rng.next())
            return FrameHash(index: i, timestamp: Double(i), quality: 100, hash: h, mirrorHash: h)
        }
        return ImportedItem(root: "/hashes", relativePath: name, source: ImportedSource(format: "vpdq", sha256: sha), frames: hashes)
    }

    @Test func importsItemsAsDoneFilesWithFramesAndAudit() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let store = try SQLiteCaseStore(path: folder.path + "/case.sqlite")
        let summary = try await store.importItems(collection: "known", commandLine: "keyprint import vpdq /hashes") { add in
            try add(Self.item("a.txt", frames: 5))
            try add(Self.item("sub/b.txt", frames: 3, seed: 2))
        }
        #expect(summary == ImportSummary(collection: "known", items: 2, replaced: 0, frames: 8))
        let files = try await store.files(collection: "known")
        #expect(files.map(\.relativePath) == ["a.txt", "sub/b.txt"])
        #expect(files.allSatisfy { $0.state == .done && $0.importedFrom == ImportedSource(format: "vpdq", sha256: "ab") })
        #expect(files[0].displayPath == "hashes from /hashes/a.txt")
        #expect(try await store.frames(fileID: files[0].id).map(\.frameHash) == Self.item("a.txt", frames: 5).frames)
        let hashes = try await store.storedHashes(collection: "known")
        #expect(hashes.map(\.frames.count) == [5, 3])
        let audit = try await store.audit(scanID: nil)
        #expect(audit.map(\.event) == [AuditEvent.importStarted, AuditEvent.hashesImported, AuditEvent.hashesImported])
        #expect(audit[1].detail == "5 frame hash(es) from /hashes/a.txt (vpdq, sha256 ab)")
        #expect(audit[1].fileID == files[0].id)
    }

    @Test func reimportReplacesTheItemNotDuplicatesIt() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let store = try SQLiteCaseStore(path: folder.path + "/case.sqlite")
        _ = try await store.importItems(collection: "known", commandLine: "first") { add in try add(Self.item("a.txt", frames: 5)) }
        let before = try await store.files(collection: "known")
        let summary = try await store.importItems(collection: "known", commandLine: "second") { add in
            try add(Self.item("a.txt", frames: 2, seed: 9, sha: "cd"))
        }
        #expect(summary.replaced == 1)
        let after = try await store.files(collection: "known")
        #expect(after.count == 1)
        #expect(after[0].id == before[0].id)
        #expect(after[0].frameCount == 2)
        #expect(after[0].importedFrom?.sha256 == "cd")
        #expect(try await store.frames(fileID: after[0].id).map(\.frameHash) == Self.item("a.txt", frames: 2, seed: 9).frames)
        #expect(try await store.audit(scanID: nil).last?.detail?.hasSuffix(", replacing the earlier import") == true)
    }

    @Test func aFailingImportStoresNothing() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let store = try SQLiteCaseStore(path: folder.path + "/case.sqlite")
        _ = try await store.importItems(collection: "known", commandLine: "first") { add in try add(Self.item("a.txt", frames: 5)) }
        await #expect(throws: ImportError.malformedLine(file: "b.txt", line: 7, reason: "bad")) {
            _ = try await store.importItems(collection: "known", commandLine: "second") { add in
                try add(Self.item("a.txt", frames: 1, seed: 3))
                try add(Self.item("c.txt", frames: 4))
                throw ImportError.malformedLine(file: "b.txt", line: 7, reason: "bad")
            }
        }
        let files = try await store.files(collection: nil)
        #expect(files.map(\.relativePath) == ["a.txt"])
        #expect(files[0].frameCount == 5)
        #expect(try await store.frames(fileID: files[0].id).count == 5)
        #expect(try await store.audit(scanID: nil).count == 2)
    }

    @Test func aCollectionOfScannedFilesIsRefusedAndNamesTwiceAreRefused() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let store = try SQLiteCaseStore(path: folder.path + "/case.sqlite")
        let scan = try await store.beginScan(root: "/ev", collection: "ev", settings: ScanSettings(sampling: .defaultInterval, timeBudget: 60, jobs: 1), commandLine: "scan", versions: "")
        _ = try await store.markPending(collection: "ev", root: "/ev", relativePath: "a.mp4", stamp: nil, scanID: scan.id)
        await #expect(throws: KnownMaterialError.collectionHoldsScannedFiles("ev")) {
            _ = try await store.importItems(collection: "ev", commandLine: "x") { add in try add(Self.item("a.txt", frames: 1)) }
        }
        await #expect(throws: KnownMaterialError.duplicateItem(collection: "known", name: "a.txt")) {
            _ = try await store.importItems(collection: "known", commandLine: "x") { add in
                try add(Self.item("a.txt", frames: 1)); try add(Self.item("a.txt", frames: 1))
            }
        }
        #expect(try await store.files(collection: "known").isEmpty)
    }

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

extension KnownMaterialStoreTests {
    /// Two unrelated captures that share only an app's 5-s opening screen link over it; an
    /// ignore list made from that screen removes the false link, and is itself never matched.
    @Test func anIgnoreListRemovesAFalseLinkThroughASharedOpeningScreen() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let store = try SQLiteCaseStore(path: folder.path + "/case.sqlite")
        var rng = SplitMix64(seed: 42)
        func random() -> PDQHash { PDQHash(w0: rng.next(), w1: rng.next(), w2: rng.next(), w3: rng.next()) }
        let opening = (0..<5).map { _ in random() }
        func capture(_ name: String) -> ImportedItem {
            let hashes = opening + (0..<12).map { _ in random() }
            let frames = hashes.enumerated().map { FrameHash(index: $0.offset, timestamp: Double($0.offset), quality: 100, hash: $0.element, mirrorHash: $0.element) }
            return ImportedItem(root: "/c", relativePath: name, source: ImportedSource(format: "vpdq", sha256: name), frames: frames)
        }
        let a = capture("a.txt"), b = capture("b.txt")
        _ = try await store.importItems(collection: "ev", commandLine: "t") { add in try add(a); try add(b) }
        let request = MatchRequest(queryCollection: nil, referenceCollection: nil, settings: MatchSettings(), jobs: 1, commandLine: "t")
        let before = try await MatchRunner(store: store).run(request)
        #expect(before.linkedPairs == 1, "the shared opening links the two captures")
        #expect(before.segments.first.map { $0.queryStart <= 0.5 && $0.queryEnd <= 5.5 } == true)

        let screen = opening.enumerated().map { FrameHash(index: $0.offset, timestamp: Double($0.offset), quality: 100, hash: $0.element, mirrorHash: $0.element) }
        _ = try await store.importItems(collection: "ignore", commandLine: "t") { add in
            try add(ImportedItem(root: "/i", relativePath: "splash.txt", source: ImportedSource(format: "vpdq", sha256: "s", role: .ignore), frames: screen))
        }
        #expect(try await store.files(collection: "ignore").first?.importedFrom?.role == .ignore)
        let after = try await MatchRunner(store: store).run(request)
        #expect(after.linkedPairs == 0, "segments: \(after.segments.count)")
        #expect(after.queryFiles == 2 && after.referenceFiles == 2)
    }
}
