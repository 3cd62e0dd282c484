import Foundation
import Testing
@testable import KeyprintModel
@testable import KeyprintDecode
@testable import KeyprintHash
@testable import KeyprintIndex
@testable import KeyprintMatch
@testable import KeyprintStore
@testable import KeyprintExport
@testable import KeyprintPipeline

@Suite struct SQLiteCaseStoreTests {
    static func frame(_ i: Int) -> FrameHash {
        let h = PDQHash(w0: UInt64(i), w1: 0xDEAD_BEEF, w2: UInt64(i) << 32, w3: ~UInt64(i))
        return FrameHash(index: i, timestamp: Double(i) * 0.5, quality: 90 + i % 10, hash: h, mirrorHash: PDQHash(w0: ~h.w0))
    }

    @Test func migratesOnceAndKeepsWALMode() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let path = folder.path + "/case.sqlite"
        let store = try SQLiteCaseStore(path: path)
        #expect(try await store.appliedMigrations() == ["v1-initial", "v2-regions", "v3-matches", "v4-shot-regions", "v5-derived-links", "v6-picture-frames", "v7-file-warnings", "v8-failure-retry", "v9-match-reuse", "v10-imported-hashes", "v11-hash-sets", "v12-ignore-lists", "v13-dihedral-hashes"])
        // Opening again applies nothing new and finds the same schema.
        let again = try SQLiteCaseStore(path: path)
        #expect(try await again.appliedMigrations() == ["v1-initial", "v2-regions", "v3-matches", "v4-shot-regions", "v5-derived-links", "v6-picture-frames", "v7-file-warnings", "v8-failure-retry", "v9-match-reuse", "v10-imported-hashes", "v11-hash-sets", "v12-ignore-lists", "v13-dihedral-hashes"])
        #expect(FileManager.default.fileExists(atPath: path + "-wal"))
        #expect(throws: StoreError.self) { try SQLiteCaseStore(path: folder.path + "/missing.sqlite", create: false) }
    }

    @Test func commitReplacesFramesAndRecordsTheOutcome() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let store = try SQLiteCaseStore(path: folder.path + "/case.sqlite")
        let settings = ScanSettings(sampling: .defaultInterval, timeBudget: 60, jobs: 2)
        let scan = try await store.beginScan(root: "/evidence", collection: "c", settings: settings, commandLine: "keyprint scan", versions: "v")
        let id = try await store.markPending(collection: "c", root: "/evidence", relativePath: "a/b.mp4",
                                       stamp: FileStamp(size: 10, mtimeNanoseconds: 5), scanID: scan.id)
        #expect(try await store.file(id: id)?.state == .pending)
        try await store.markRunning(fileID: id)
        #expect(try await store.recoverRunning(collection: "c", scanID: scan.id) == 1)
        #expect(try await store.file(id: id)?.state == .pending)

        let digests = CustodyDigests(md5: "m", sha1: "s1", sha256: "s256")
        try await store.commit(FileOutcome(fileID: id, state: .done, size: 10, mtimeNanoseconds: 5, digests: digests, hashedAt: Date(),
                                     hashingKey: settings.hashingKey, frames: (0..<4).map(Self.frame), decodedFrames: 100), scanID: scan.id)
        #expect(try await store.frames(fileID: id).map(\.frameHash) == (0..<4).map(Self.frame))
        // Processing again replaces the frames; nothing is kept twice.
        try await store.commit(FileOutcome(fileID: id, state: .done, size: 10, mtimeNanoseconds: 5, digests: digests, hashedAt: Date(),
                                     hashingKey: settings.hashingKey, frames: (2..<5).map(Self.frame)), scanID: scan.id)
        #expect(try await store.frames(fileID: id).map(\.index) == [2, 3, 4])
        let stored = try #require(try await store.file(id: id))
        #expect(stored.state == .done && stored.frameCount == 3 && stored.digests == digests && stored.path == "/evidence/a/b.mp4")
        #expect(try await store.files(collection: "c").count == 1)
        #expect(try await store.stateCounts() == [StateCount(collection: "c", state: .done, count: 1)])
        #expect(try await store.audit(scanID: scan.id).map(\.event) == [AuditEvent.scanStarted, AuditEvent.filesRecovered, AuditEvent.fileDone, AuditEvent.fileDone])
        await #expect(throws: StoreError.self) { try await store.commit(FileOutcome(fileID: 999, state: .done, size: 1, mtimeNanoseconds: 1), scanID: scan.id) }
    }

    @Test func scanRecordsKeepTheirSettingsForResume() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let store = try SQLiteCaseStore(path: folder.path + "/case.sqlite")
        let settings = ScanSettings(sampling: .interval(seconds: 0.5), timeBudget: 12, jobs: 3)
        var scan = try await store.beginScan(root: "/e", collection: "c", settings: settings, commandLine: "x", versions: "v")
        #expect(try await store.lastUnfinishedScan()?.settings == settings)
        scan.outcome = .completed
        try await store.finishScan(scan)
        #expect(try await store.lastUnfinishedScan() == nil)
        #expect(try await store.scan(id: scan.id)?.outcome == .completed)
        #expect(try await store.scan(id: scan.id)?.settings.samplingMode == .interval(seconds: 0.5))
    }
}

/// What a damaged or hostile case database does (issue #14, defects 8, 11, 13).
@Suite struct DamagedDatabaseTests {
    static func storeWithADoneFile(_ folder: TemporaryFolder) async throws -> String {
        let path = folder.path + "/case.sqlite"
        let store = try SQLiteCaseStore(path: path)
        let (scanID, ids) = try await StoreContract.scanWithFiles(store, count: 1)
        try await store.commit(StoreContract.done(ids[0], frames: (0..<3).map { StoreContract.frame($0) }), scanID: scanID)
        return path
    }

    @Test func aValueThatDoesNotDecodeIsAnErrorNotACrash() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let path = try await Self.storeWithADoneFile(folder)
        try SQLiteCaseStore.executeRaw(path: path, sql: "UPDATE files SET updated_at = x'7f7c56'")
        let store = try SQLiteCaseStore(path: path, mode: .readOnly)
        await #expect(throws: StoreError.self) { try await store.files(collection: nil) }
        try SQLiteCaseStore.executeRaw(path: path, sql: "PRAGMA ignore_check_constraints = ON; UPDATE files SET updated_at = '2026-01-01 00:00:00.000', state = 'exploded'")
        do {
            _ = try await store.files(collection: nil)
            Issue.record("an unknown state decoded")
        } catch let error as StoreError {
            #expect(error.description.contains("files.state") && error.description.contains("exploded"), "\(error)")
        }
        try SQLiteCaseStore.executeRaw(path: path, sql: "UPDATE files SET state = 'done'; UPDATE scans SET settings = 'not json'")
        await #expect(throws: StoreError.self) { try await store.scans() }
    }

    @Test func aDamagedDatabaseIsRefusedBeforeAWrite() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let path = try await Self.storeWithADoneFile(folder)
        // Checkpoint the WAL into the main file, then overwrite a page in the middle of it.
        try SQLiteCaseStore.executeRaw(path: path, sql: "PRAGMA wal_checkpoint(TRUNCATE)")
        let handle = try #require(FileHandle(forUpdatingAtPath: path))
        let size = try handle.seekToEnd()
        try #require(size >= 4 * 4096)
        try handle.seek(toOffset: 2 * 4096)
        try handle.write(contentsOf: Data((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }))
        try handle.close()
        do {
            _ = try SQLiteCaseStore(path: path, mode: .existing)
            Issue.record("a damaged database opened for writing")
        } catch let error as StoreError {
            #expect(error.description.contains("damaged") || error.description.contains("malformed"), "\(error)")
        }
    }

    @Test func commitsAreFsyncedSynchronousIsFullOnTheWriter() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let store = try SQLiteCaseStore(path: folder.path + "/case.sqlite")
        // 2 = FULL: every commit syncs the WAL before it returns (GRDB's WAL set-up would leave 1, NORMAL).
        #expect(try await store.writerSynchronousSetting() == 2)
    }
}

/// A case database on a read-only mount still opens for reading (issue #14, defect 12).
@Suite struct ReadOnlyMountTests {
    static func run(_ tool: String, _ arguments: [String]) -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [tool] + arguments
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return -1 }
        process.waitUntilExit()
        return process.terminationStatus
    }

    @Test func statusAndExportReadADatabaseOnAReadOnlyMount() async throws {
        guard getuid() == 0 else {
            print("ReadOnlyMountTests: skipped, a bind mount needs root (CI runs as root)")
            return
        }
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let source = try folder.sub("source"), mounted = try folder.sub("mounted")
        let path = source + "/case.sqlite"
        do {
            let store = try SQLiteCaseStore(path: path)
            let (scanID, ids) = try await StoreContract.scanWithFiles(store, count: 2)
            try await store.commit(StoreContract.done(ids[0], frames: (0..<3).map { StoreContract.frame($0) }), scanID: scanID)
        }
        // As a case copied to read-only media looks: every transaction in the database file, no
        // -wal or -shm beside it (SQLite cannot create the -shm there).
        try SQLiteCaseStore.executeRaw(path: path, sql: "PRAGMA wal_checkpoint(TRUNCATE)")
        for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        try #require(Self.run("mount", ["--bind", source, mounted]) == 0, "mount --bind failed")
        defer { _ = Self.run("umount", [mounted]) }
        try #require(Self.run("mount", ["-o", "remount,ro,bind", mounted]) == 0, "remount read-only failed")
        #expect(!FileManager.default.createFile(atPath: mounted + "/probe", contents: Data()), "the mount is writable")
        let store = try SQLiteCaseStore(path: mounted + "/case.sqlite", mode: .readOnly)
        let files = try await store.files(collection: "c")
        #expect(files.map(\.state) == [.done, .pending])
        #expect(try await store.frames(fileID: files[0].id).count == 3)
    }
}
