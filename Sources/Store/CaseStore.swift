import Foundation
import KeyprintModel

/// Counts of files per collection and state.
public struct StateCount: Sendable, Equatable {
    public var collection: String
    public var state: FileState
    public var count: Int

    public init(collection: String, state: FileState, count: Int) { self.collection = collection; self.state = state; self.count = count }
}

/// What a walk found about a file before reading it, used to decide whether it changed.
public struct FileStamp: Sendable, Equatable {
    public var size: Int64
    public var mtimeNanoseconds: Int64
    public init(size: Int64, mtimeNanoseconds: Int64) { self.size = size; self.mtimeNanoseconds = mtimeNanoseconds }
}

/// Holds a case's scan lock; releasing it (or dropping the last reference) lets the next scan in.
public final class ScanLease: @unchecked Sendable {
    private let lock = NSLock()
    private var releaseAction: (@Sendable () -> Void)?

    public init(release: @escaping @Sendable () -> Void) { releaseAction = release }

    public func release() {
        let action = lock.withLock { () -> (@Sendable () -> Void)? in
            defer { releaseAction = nil }
            return releaseAction
        }
        action?()
    }

    deinit { release() }
}

/// The case database as the pipeline, the matcher and the exporters see it. The SQLite
/// implementation is `SQLiteCaseStore`; another backend (PostgreSQL) can implement the same
/// protocol. `StoreContract` (in the tests) checks every promise below against each backend.
///
/// Promises:
/// - Writes are serialized by the implementation; every method may be called from any task.
/// - A call, once started, completes or fails on its own: cancelling the caller does not
///   interrupt it (an interrupted scan still records how it ended).
/// - `commit` is one transaction: the file's row, all its hash rows and its audit line change
///   together or not at all; its old hash rows are replaced, never merged.
/// - `markPending` is idempotent: the same path twice is one row (same id), set back to pending.
/// - `recoverRunning` sets exactly the collection's `running` files back to `pending`.
/// - `saveMatchRun` replaces every earlier run of the same comparison, with its segments.
/// - The audit trail is append-only and read back in the order it was written.
/// - Errors are `StoreError`s; a stored value that does not decode is `.corruptRow`, never a
///   default.
public protocol CaseStore: Sendable {
    // MARK: Scan lock
    /// Takes the case's scan lock without waiting (`StoreError.locked` when another scan holds
    /// it). It is held until the lease is released or dropped, or the process ends.
    func acquireScanLock() async throws -> ScanLease

    // MARK: Scans
    /// Records the start of a run and its audit line (command line, versions).
    func beginScan(root: String, collection: String, settings: ScanSettings, commandLine: String,
                   versions: String) async throws -> ScanRecord
    /// Records how a run ended with its counters.
    func finishScan(_ scan: ScanRecord) async throws
    func scan(id: Int64) async throws -> ScanRecord?
    /// Every run, oldest first.
    func scans() async throws -> [ScanRecord]
    /// The most recent run that has not completed (interrupted or killed), if the most recent
    /// run of its collection is such a run.
    func lastUnfinishedScan() async throws -> ScanRecord?

    // MARK: Files
    func files(collection: String?) async throws -> [StoredFile]
    func file(id: Int64) async throws -> StoredFile?
    /// Inserts each file as `pending`, or sets an existing row of the same collection and
    /// relative path back to `pending` (its old frames stay until its new outcome commits),
    /// all in one transaction. Returns the files' ids in the order given.
    func markPending(collection: String, root: String, files: [(relativePath: String, stamp: FileStamp?)], scanID: Int64) async throws -> [Int64]
    /// Marks a file taken by a worker.
    func markRunning(fileID: Int64) async throws
    /// Files of a collection left `running` (by a killed process) go back to `pending`.
    /// Returns how many.
    @discardableResult
    func recoverRunning(collection: String, scanID: Int64) async throws -> Int
    /// Commits one file's outcome in one transaction: row, frames (old ones replaced) and audit.
    func commit(_ outcome: FileOutcome, scanID: Int64) async throws
    /// Notes that an unchanged file's content was verified again (its hash time moves on).
    func markVerified(fileID: Int64, hashedAt: Date) async throws
    func stateCounts() async throws -> [StateCount]

    // MARK: Frames
    func frames(fileID: Int64) async throws -> [StoredFrame]
    func frames(collection: String) async throws -> [StoredFrame]
    /// Streams every frame of done files, ordered by path then frame index.
    func forEachFrame(collection: String?, _ body: (StoredFile, StoredFrame) throws -> Void) async throws

    // MARK: Regions
    /// A file's shots and their content regions in time order; empty when it has no region.
    func regions(fileID: Int64) async throws -> [StoredRegion]
    /// A file's region hashes (crops of its region), at the timestamps of its frames.
    func regionFrames(fileID: Int64) async throws -> [StoredFrame]
    /// Done files of a collection (nil: all, ordered by collection and path) with all their
    /// hashes and shots.
    func storedHashes(collection: String?) async throws -> [StoredVideoHashes]

    // MARK: Matches
    /// Stores a run and its segments in one transaction, replacing every earlier run of the same
    /// comparison (same query and reference collection) and its segments. Returns the run with its id.
    func saveMatchRun(_ run: MatchRun, segments: [MatchSegment]) async throws -> MatchRun
    /// Every stored run (one per comparison), oldest first.
    func matchRuns() async throws -> [MatchRun]
    /// A run's segments, highest score first.
    func matchSegments(runID: Int64) async throws -> [MatchSegment]

    // MARK: Audit
    func audit(scanID: Int64?) async throws -> [AuditEntry]
}

extension CaseStore {
    /// One file's `markPending`.
    public func markPending(collection: String, root: String, relativePath: String, stamp: FileStamp?, scanID: Int64) async throws -> Int64 {
        try await markPending(collection: collection, root: root, files: [(relativePath, stamp)], scanID: scanID)[0]
    }
}

extension CaseStore {
    /// Done files (those with frames), with their media facts, ordered by collection and path.
    public func doneFiles(collection: String? = nil) async throws -> [StoredFile] {
        try await files(collection: collection).filter { $0.state == .done }
    }
}
