import Foundation
@testable import KeyprintModel
@testable import KeyprintDecode
@testable import KeyprintHash
@testable import KeyprintIndex
@testable import KeyprintMatch
@testable import KeyprintStore
@testable import KeyprintExport
@testable import KeyprintPipeline

/// A real SQLite store behind every method: test doubles subclass it and override the one
/// promise they break or the one fault they force.
class ForwardingStore: CaseStore, @unchecked Sendable {
    let base: SQLiteCaseStore

    init(base: SQLiteCaseStore) { self.base = base }

    func acquireScanLock() async throws -> ScanLease { try await base.acquireScanLock() }

    func commit(_ outcome: FileOutcome, scanID: Int64) async throws { try await base.commit(outcome, scanID: scanID) }

    func beginScan(root: String, collection: String, settings: ScanSettings, commandLine: String, versions: String) async throws -> ScanRecord {
        try await base.beginScan(root: root, collection: collection, settings: settings, commandLine: commandLine, versions: versions)
    }
    func finishScan(_ scan: ScanRecord) async throws { try await base.finishScan(scan) }
    func scan(id: Int64) async throws -> ScanRecord? { try await base.scan(id: id) }
    func scans() async throws -> [ScanRecord] { try await base.scans() }
    func lastUnfinishedScan() async throws -> ScanRecord? { try await base.lastUnfinishedScan() }
    func files(collection: String?) async throws -> [StoredFile] { try await base.files(collection: collection) }
    func file(id: Int64) async throws -> StoredFile? { try await base.file(id: id) }
    func markPending(collection: String, root: String, files: [(relativePath: String, stamp: FileStamp?)], scanID: Int64) async throws -> [Int64] {
        try await base.markPending(collection: collection, root: root, files: files, scanID: scanID)
    }
    func markRunning(fileID: Int64) async throws { try await base.markRunning(fileID: fileID) }
    func recoverRunning(collection: String, scanID: Int64) async throws -> Int { try await base.recoverRunning(collection: collection, scanID: scanID) }
    func markVerified(fileID: Int64, hashedAt: Date) async throws { try await base.markVerified(fileID: fileID, hashedAt: hashedAt) }
    func stateCounts() async throws -> [StateCount] { try await base.stateCounts() }
    func frames(fileID: Int64) async throws -> [StoredFrame] { try await base.frames(fileID: fileID) }
    func frames(collection: String) async throws -> [StoredFrame] { try await base.frames(collection: collection) }
    func forEachFrame(collection: String?, _ body: (StoredFile, StoredFrame) throws -> Void) async throws {
        try await base.forEachFrame(collection: collection, body)
    }
    func audit(scanID: Int64?) async throws -> [AuditEntry] { try await base.audit(scanID: scanID) }
    func regions(fileID: Int64) async throws -> [StoredRegion] { try await base.regions(fileID: fileID) }
    func regionFrames(fileID: Int64) async throws -> [StoredFrame] { try await base.regionFrames(fileID: fileID) }
    func storedHashes(collection: String?) async throws -> [StoredVideoHashes] { try await base.storedHashes(collection: collection) }
    func saveMatchRun(_ run: MatchRun, segments: [MatchSegment]) async throws -> MatchRun { try await base.saveMatchRun(run, segments: segments) }
    func matchRuns() async throws -> [MatchRun] { try await base.matchRuns() }
    func matchSegments(runID: Int64) async throws -> [MatchSegment] { try await base.matchSegments(runID: runID) }
}
