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

    @Test func migratesOnceAndKeepsWALMode() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let path = folder.path + "/case.sqlite"
        let store = try SQLiteCaseStore(path: path)
        #expect(try store.appliedMigrations() == ["v1-initial", "v2-regions", "v3-matches", "v4-shot-regions", "v5-derived-links", "v6-picture-frames", "v7-file-warnings"])
        // Opening again applies nothing new and finds the same schema.
        let again = try SQLiteCaseStore(path: path)
        #expect(try again.appliedMigrations() == ["v1-initial", "v2-regions", "v3-matches", "v4-shot-regions", "v5-derived-links", "v6-picture-frames", "v7-file-warnings"])
        #expect(FileManager.default.fileExists(atPath: path + "-wal"))
        #expect(throws: StoreError.self) { try SQLiteCaseStore(path: folder.path + "/missing.sqlite", create: false) }
    }

    @Test func commitReplacesFramesAndRecordsTheOutcome() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let store = try SQLiteCaseStore(path: folder.path + "/case.sqlite")
        let settings = ScanSettings(sampling: .defaultInterval, timeBudget: 60, jobs: 2)
        let scan = try store.beginScan(root: "/evidence", collection: "c", settings: settings, commandLine: "keyprint scan", versions: "v")
        let id = try store.markPending(collection: "c", root: "/evidence", relativePath: "a/b.mp4",
                                       stamp: FileStamp(size: 10, mtimeNanoseconds: 5), scanID: scan.id)
        #expect(try store.file(id: id)?.state == .pending)
        try store.markRunning(fileID: id)
        #expect(try store.recoverRunning(collection: "c", scanID: scan.id) == 1)
        #expect(try store.file(id: id)?.state == .pending)

        let digests = CustodyDigests(md5: "m", sha1: "s1", sha256: "s256")
        try store.commit(FileOutcome(fileID: id, state: .done, size: 10, mtimeNanoseconds: 5, digests: digests, hashedAt: Date(),
                                     hashingKey: settings.hashingKey, frames: (0..<4).map(Self.frame), decodedFrames: 100), scanID: scan.id)
        #expect(try store.frames(fileID: id).map(\.frameHash) == (0..<4).map(Self.frame))
        // Processing again replaces the frames; nothing is kept twice.
        try store.commit(FileOutcome(fileID: id, state: .done, size: 10, mtimeNanoseconds: 5, digests: digests, hashedAt: Date(),
                                     hashingKey: settings.hashingKey, frames: (2..<5).map(Self.frame)), scanID: scan.id)
        #expect(try store.frames(fileID: id).map(\.index) == [2, 3, 4])
        let stored = try #require(try store.file(id: id))
        #expect(stored.state == .done && stored.frameCount == 3 && stored.digests == digests && stored.path == "/evidence/a/b.mp4")
        #expect(try store.files(collection: "c").count == 1)
        #expect(try store.stateCounts() == [StateCount(collection: "c", state: .done, count: 1)])
        #expect(try store.audit(scanID: scan.id).map(\.event) == [AuditEvent.scanStarted, AuditEvent.filesRecovered, AuditEvent.fileDone, AuditEvent.fileDone])
        #expect(throws: StoreError.self) { try store.commit(FileOutcome(fileID: 999, state: .done, size: 1, mtimeNanoseconds: 1), scanID: scan.id) }
    }

    @Test func scanRecordsKeepTheirSettingsForResume() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let store = try SQLiteCaseStore(path: folder.path + "/case.sqlite")
        let settings = ScanSettings(sampling: .interval(seconds: 0.5), timeBudget: 12, jobs: 3)
        var scan = try store.beginScan(root: "/e", collection: "c", settings: settings, commandLine: "x", versions: "v")
        #expect(try store.lastUnfinishedScan()?.settings == settings)
        scan.outcome = .completed
        try store.finishScan(scan)
        #expect(try store.lastUnfinishedScan() == nil)
        #expect(try store.scan(id: scan.id)?.outcome == .completed)
        #expect(try store.scan(id: scan.id)?.settings.samplingMode == .interval(seconds: 0.5))
    }
}
