import Foundation
import Testing
@testable import KeyprintModel
@testable import KeyprintStore
@testable import KeyprintStorePostgres

/// The `CaseStore` contract (`StoreContract`) against every backend, and against a store that
/// breaks one promise at a time, to show that each check can fail.
@Suite struct StoreContractTests {
    /// A fresh SQLite case database in a temporary folder.
    static func withSQLiteStore<T>(_ body: (SQLiteCaseStore) async throws -> T) async throws -> T {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let store = try SQLiteCaseStore(path: folder.path + "/case.sqlite")
        return try await body(store)
    }

    @Test(arguments: StoreContract.checks)
    func sqliteKeepsThePromise(_ check: StoreContract.Check) async throws {
        let problems = try await Self.withSQLiteStore { try await check.run($0) }
        #expect(problems.isEmpty, "\(check.name): \(problems)")
    }

    /// The same checks on PostgreSQL, a fresh database per check.
    @Test(.enabled(if: TestPostgres.enabled, TestPostgres.skipReason), arguments: StoreContract.checks)
    func postgresKeepsThePromise(_ check: StoreContract.Check) async throws {
        guard let problems = try await TestPostgres.withStore({ try await check.run($0) }) else { return }
        #expect(problems.isEmpty, "\(check.name): \(problems)")
    }

    /// Ways to break the contract, one at a time.
    enum Fault: String, CaseIterable, Sendable {
        case commitWithoutTransaction, markPendingAddsRows, recoverRunningEverywhere, matchRunsAccumulate, auditReversed,
             lockAlwaysGranted, commitIgnoresCancellationShield, staleFramesKept, turnedHashesDropped
    }

    final class BrokenStore: ForwardingStore, @unchecked Sendable {
        let fault: Fault
        init(base: SQLiteCaseStore, fault: Fault) { self.fault = fault; super.init(base: base) }

        override func commit(_ outcome: FileOutcome, scanID: Int64) async throws {
            switch fault {
            case .commitWithoutTransaction:
                // The row first, the frames after: a failure in between leaves half a file.
                var row = outcome
                row.frames = []
                try await base.commit(row, scanID: scanID)
                try await base.commit(outcome, scanID: scanID)
            case .commitIgnoresCancellationShield:
                try Task.checkCancellation()
                try await base.commit(outcome, scanID: scanID)
            case .staleFramesKept:
                let old = try await base.frames(fileID: outcome.fileID).map(\.frameHash)
                var merged = outcome
                let fresh = Set(outcome.frames.map(\.index))
                merged.frames = (old.filter { !fresh.contains($0.index) } + outcome.frames).sorted { $0.index < $1.index }
                try await base.commit(merged, scanID: scanID)
            case .turnedHashesDropped:
                // The frames' rows without their `dihedral_frames` rows.
                var unturned = outcome
                for k in unturned.frames.indices { unturned.frames[k].dihedral = nil }
                for k in unturned.regionFrames.indices { unturned.regionFrames[k].dihedral = nil }
                try await base.commit(unturned, scanID: scanID)
            default:
                try await base.commit(outcome, scanID: scanID)
            }
        }

        override func markPending(collection: String, root: String, files: [(relativePath: String, stamp: FileStamp?)],
                                  scanID: Int64) async throws -> [Int64] {
            guard fault == .markPendingAddsRows else { return try await base.markPending(collection: collection, root: root, files: files, scanID: scanID) }
            // A known path gets a new row under a changed name.
            let known = Set(try await base.files(collection: collection).map(\.relativePath))
            return try await base.markPending(collection: collection, root: root,
                                              files: files.map { known.contains($0.relativePath) ? ($0.relativePath + "~", $0.stamp) : $0 },
                                              scanID: scanID)
        }

        override func recoverRunning(collection: String, scanID: Int64) async throws -> Int {
            guard fault == .recoverRunningEverywhere else { return try await base.recoverRunning(collection: collection, scanID: scanID) }
            var total = 0
            for name in Set(try await base.files(collection: nil).map(\.collection)) {
                total += try await base.recoverRunning(collection: name, scanID: scanID)
            }
            return total
        }

        override func saveMatchRun(_ run: MatchRun, segments: [MatchSegment]) async throws -> MatchRun {
            guard fault == .matchRunsAccumulate else { return try await base.saveMatchRun(run, segments: segments) }
            var unique = run
            unique.referenceCollection = (run.referenceCollection ?? "") + UUID().uuidString
            return try await base.saveMatchRun(unique, segments: segments)
        }

        override func audit(scanID: Int64?) async throws -> [AuditEntry] {
            let entries = try await base.audit(scanID: scanID)
            return fault == .auditReversed ? entries.reversed() : entries
        }

        override func acquireScanLock() async throws -> ScanLease {
            fault == .lockAlwaysGranted ? ScanLease {} : try await base.acquireScanLock()
        }
    }

    @Test(arguments: Fault.allCases)
    func aStoreThatBreaksAPromiseFailsTheContract(_ fault: Fault) async throws {
        var failed: [String] = []
        for check in StoreContract.checks {
            let problems = try await Self.withSQLiteStore { try await check.run(BrokenStore(base: $0, fault: fault)) }
            if !problems.isEmpty { failed.append(check.name) }
        }
        #expect(!failed.isEmpty, "no check of the contract noticed \(fault)")
    }
}
