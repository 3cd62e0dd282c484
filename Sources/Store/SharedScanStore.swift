import Foundation
import KeyprintModel

/// A file a worker took under a lease: what the walk recorded when it was queued.
public struct ClaimedFile: Sendable, Equatable {
    public var fileID: Int64
    public var relativePath: String
    public var stamp: FileStamp

    public init(fileID: Int64, relativePath: String, stamp: FileStamp) { self.fileID = fileID; self.relativePath = relativePath; self.stamp = stamp }
}

/// A file as one worker's walk found it, with the version of its row as that worker read it
/// (nil: there was no row).
public struct WalkedFile: Sendable {
    public var relativePath: String
    public var stamp: FileStamp?
    public var seenVersion: String?

    public init(relativePath: String, stamp: FileStamp?, seenVersion: String?) {
        self.relativePath = relativePath; self.stamp = stamp; self.seenVersion = seenVersion
    }
}

/// A case database that several scanners (processes, machines) work on at once: files are
/// claimed one at a time under a lease that the worker's heartbeat extends, and a file's
/// outcome commits only while its worker still holds the lease. A worker that dies loses its
/// leases when they expire; another worker then takes its files. Implemented by the PostgreSQL
/// backend; the SQLite backend keeps its exclusive scan lock instead.
///
/// Promises (besides `CaseStore`'s):
/// - A file is claimed by one worker at a time: `claimNext` and `claim` skip files under a
///   live lease of any worker, and take files whose lease expired.
/// - `commit(_:scanID:worker:)` commits only while `worker` still holds the file's lease
///   (returns false, writing nothing, otherwise), so a file's outcome never commits twice.
/// - `markPendingShared` queues only rows that no live lease holds and that did not change
///   since the worker read them (another worker may have committed them meanwhile).
public protocol SharedScanStore: CaseStore {
    /// A lock shared by every scanner of the case (commands that need no scan running, such as
    /// match, still find the case locked).
    func acquireSharedScanLock() async throws -> ScanLease
    /// Records a worker's start (or restart) with the scan it runs.
    func registerWorker(_ worker: String, scanID: Int64) async throws
    /// The collection's files with the version of each row, in one read.
    func filesWithVersions(collection: String) async throws -> [(file: StoredFile, version: String)]
    /// Queues each file as `markPending` does, unless a live lease holds its row or the row
    /// changed since `seenVersion` (or, for a new file, another worker inserted it meanwhile):
    /// nil for those, in the order given.
    func markPendingShared(collection: String, root: String, files: [WalkedFile], scanID: Int64) async throws -> [Int64?]
    /// Takes this one file under a lease when no live lease holds it and it is pending or
    /// running under an expired lease.
    func claim(fileID: Int64, worker: String, leaseSeconds: Double) async throws -> Bool
    /// Takes the collection's next claimable file (in path order) under a lease; nil when none.
    func claimNext(collection: String, worker: String, leaseSeconds: Double) async throws -> ClaimedFile?
    /// Commits a file's outcome as `commit` does, but only while `worker` holds its lease;
    /// the lease ends with it. False (nothing written) when the lease was lost.
    func commit(_ outcome: FileOutcome, scanID: Int64, worker: String) async throws -> Bool
    /// Extends every lease `worker` holds and records its heartbeat.
    func heartbeat(worker: String, leaseSeconds: Double) async throws
    /// Ends a worker's leases (its files go back to pending) and records that it stopped.
    func releaseLeases(worker: String) async throws
    /// How many of the collection's files other workers hold under live leases.
    func liveLeases(collection: String, excluding worker: String) async throws -> Int
    /// Every worker that registered, by id, with what it holds now.
    func workers() async throws -> [WorkerStatus]
}

/// A scanner of a shared case as `status` shows it.
public struct WorkerStatus: Sendable, Equatable {
    public var id: String
    public var scanID: Int64?
    public var startedAt: Date
    public var heartbeatAt: Date
    /// When it stopped cleanly (nil: running, or died without stopping).
    public var endedAt: Date?
    /// Relative paths of the files it holds under a live lease.
    public var holding: [String]

    public init(id: String, scanID: Int64?, startedAt: Date, heartbeatAt: Date, endedAt: Date?, holding: [String]) {
        self.id = id; self.scanID = scanID; self.startedAt = startedAt; self.heartbeatAt = heartbeatAt; self.endedAt = endedAt; self.holding = holding
    }
}

extension SharedScanStore {
    /// The files `worker` holds under a live lease.
    public func held(by worker: String) async throws -> [String] {
        try await workers().first { $0.id == worker }?.holding ?? []
    }
}
