import Foundation
import KeyprintModel

/// What a worker of a divided match run brings to it: the comparison, the key that decides
/// which workers take part in the same run, and the query files in the order a single-process
/// run takes them.
public struct SharedMatchPlan: Sendable, Equatable {
    public var queryCollection: String?
    public var referenceCollection: String?
    /// Everything that decides the results (program version, settings, search, and each query
    /// and reference file with its content digest): workers join an open run of the same key.
    public var key: String
    public var settings: MatchRunSettings
    public var commandLine: String
    public var queries: [Int64]

    public init(queryCollection: String?, referenceCollection: String?, key: String, settings: MatchRunSettings,
                commandLine: String, queries: [Int64]) {
        self.queryCollection = queryCollection; self.referenceCollection = referenceCollection; self.key = key
        self.settings = settings; self.commandLine = commandLine; self.queries = queries
    }
}

/// An open (or finished) divided match run as a worker joined it.
public struct SharedMatch: Sendable, Equatable {
    public var id: Int64
    /// When its first worker began it, and that worker's command line: the stored run's.
    public var startedAt: Date
    public var commandLine: String
    /// The query files, in the order they were planned.
    public var queries: [Int64]

    public init(id: Int64, startedAt: Date, commandLine: String, queries: [Int64]) {
        self.id = id; self.startedAt = startedAt; self.commandLine = commandLine; self.queries = queries
    }
}

/// A case database on which several `keyprint match` processes divide one match run: each
/// query file is claimed under a lease that the worker's heartbeat extends (a worker that dies
/// loses its claims when they expire), its direct segments are stored once, while its worker
/// still holds the lease, and when every query is done the worker that finishes last turns
/// them into the one stored `MatchRun`. Implemented by the PostgreSQL backend.
///
/// Promises (besides `CaseStore`'s):
/// - `joinSharedMatch` opens one run per key: workers that call it with the same key while the
///   run is unfinished get the same run (and its plan's query order, the first worker's).
/// - A query is claimed by one worker at a time; `commitQuery` stores its segments only while
///   `worker` holds its lease (false, writing nothing, otherwise), so they are stored once.
/// - `finishSharedMatch` stores the run once, in one transaction, when every query is done:
///   nil while a query is left; the stored run and its segments once it is finished (by this
///   worker or another).
public protocol SharedMatchStore: CaseStore {
    /// Opens the run of `plan.key` or joins it when it is open; records the worker.
    func joinSharedMatch(_ plan: SharedMatchPlan, worker: String) async throws -> SharedMatch
    /// Takes the run's next claimable query (pending, or running under an expired lease) in
    /// plan order under a lease; nil when none.
    func claimNextQuery(matchID: Int64, worker: String, leaseSeconds: Double) async throws -> Int64?
    /// Stores a query's direct segments (in the order given) while `worker` holds its lease,
    /// and ends the lease. False (nothing written) when the lease was lost.
    func commitQuery(matchID: Int64, fileID: Int64, segments: [MatchSegment], worker: String) async throws -> Bool
    /// Extends every query lease `worker` holds and records its heartbeat.
    func matchHeartbeat(worker: String, leaseSeconds: Double) async throws
    /// Queries of the run not done yet, and of those how many other workers hold under a live lease.
    func openQueries(matchID: Int64, excluding worker: String) async throws -> (left: Int, leasedByOthers: Int)
    /// When every query is done: stores `run` (its id and start from the shared run) with the
    /// segments `assemble` makes of all the queries' segments (in plan order), replacing the
    /// earlier runs of the same comparison. Nil while queries are left.
    func finishSharedMatch(matchID: Int64, run: MatchRun,
                           assemble: @escaping @Sendable ([MatchSegment]) -> [MatchSegment]) async throws -> (run: MatchRun, segments: [MatchSegment])?
    /// Ends a worker's query leases (its queries go back to pending) and records that it stopped.
    func releaseMatchLeases(worker: String) async throws
    /// Every match worker that registered, with what it holds now.
    func matchWorkers() async throws -> [MatchWorkerStatus]
}

/// A worker of a divided match run as `status` shows it.
public struct MatchWorkerStatus: Sendable, Equatable {
    public var id: String
    public var matchID: Int64?
    public var startedAt: Date
    public var heartbeatAt: Date
    /// When it stopped (nil: running, or died without stopping).
    public var endedAt: Date?
    /// The query files it holds under a live lease (collection:relative path).
    public var holding: [String]
    /// Queries it committed in its run.
    public var committed: Int

    public init(id: String, matchID: Int64?, startedAt: Date, heartbeatAt: Date, endedAt: Date?, holding: [String], committed: Int) {
        self.id = id; self.matchID = matchID; self.startedAt = startedAt; self.heartbeatAt = heartbeatAt; self.endedAt = endedAt
        self.holding = holding; self.committed = committed
    }
}
