import Foundation
@testable import KeyprintModel
@testable import KeyprintDecode
@testable import KeyprintHash
@testable import KeyprintIndex
@testable import KeyprintMatch
@testable import KeyprintStore
@testable import KeyprintExport
@testable import KeyprintPipeline

/// A real SQLite store whose `commit` fails from the `failAt`-th call on, to force the fault
/// of a database that stops accepting writes (disk full, I/O error).
final class FaultyStore: CaseStore, @unchecked Sendable {
    let base: SQLiteCaseStore
    let failAt: Int
    private let lock = NSLock()
    private var commits = 0

    init(base: SQLiteCaseStore, failAt: Int) {
        self.base = base
        self.failAt = failAt
    }

    func commit(_ outcome: FileOutcome, scanID: Int64) throws {
        let n = lock.withLock { commits += 1; return commits }
        if n >= failAt { throw StoreError.sqlite(code: 10, message: "disk I/O error (forced by the test)", sql: nil) }
        try base.commit(outcome, scanID: scanID)
    }

    func beginScan(root: String, collection: String, settings: ScanSettings, commandLine: String, versions: String) throws -> ScanRecord {
        try base.beginScan(root: root, collection: collection, settings: settings, commandLine: commandLine, versions: versions)
    }
    func finishScan(_ scan: ScanRecord) throws { try base.finishScan(scan) }
    func scan(id: Int64) throws -> ScanRecord? { try base.scan(id: id) }
    func scans() throws -> [ScanRecord] { try base.scans() }
    func lastUnfinishedScan() throws -> ScanRecord? { try base.lastUnfinishedScan() }
    func files(collection: String?) throws -> [StoredFile] { try base.files(collection: collection) }
    func file(id: Int64) throws -> StoredFile? { try base.file(id: id) }
    func markPending(collection: String, root: String, files: [(relativePath: String, stamp: FileStamp?)], scanID: Int64) throws -> [Int64] {
        try base.markPending(collection: collection, root: root, files: files, scanID: scanID)
    }
    func markRunning(fileID: Int64) throws { try base.markRunning(fileID: fileID) }
    func recoverRunning(collection: String, scanID: Int64) throws -> Int { try base.recoverRunning(collection: collection, scanID: scanID) }
    func markVerified(fileID: Int64, hashedAt: Date) throws { try base.markVerified(fileID: fileID, hashedAt: hashedAt) }
    func stateCounts() throws -> [StateCount] { try base.stateCounts() }
    func frames(fileID: Int64) throws -> [StoredFrame] { try base.frames(fileID: fileID) }
    func frames(collection: String) throws -> [StoredFrame] { try base.frames(collection: collection) }
    func forEachFrame(collection: String?, _ body: (StoredFile, StoredFrame) throws -> Void) throws {
        try base.forEachFrame(collection: collection, body)
    }
    func audit(scanID: Int64?) throws -> [AuditEntry] { try base.audit(scanID: scanID) }
    func regions(fileID: Int64) throws -> [StoredRegion] { try base.regions(fileID: fileID) }
    func regionFrames(fileID: Int64) throws -> [StoredFrame] { try base.regionFrames(fileID: fileID) }
    func storedHashes(collection: String?) throws -> [StoredVideoHashes] { try base.storedHashes(collection: collection) }
    func saveMatchRun(_ run: MatchRun, segments: [MatchSegment]) throws -> MatchRun { try base.saveMatchRun(run, segments: segments) }
    func matchRuns() throws -> [MatchRun] { try base.matchRuns() }
    func matchSegments(runID: Int64) throws -> [MatchSegment] { try base.matchSegments(runID: runID) }
}
