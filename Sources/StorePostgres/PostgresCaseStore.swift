import Foundation
import KeyprintModel
import KeyprintStore
import PostgresNIO

/// The case database on a PostgreSQL server, shared by every machine that reaches it: the
/// `CaseStore` contract over PostgresNIO. One connection carries the calls, one at a time (so
/// writes are serialized, as the contract promises); each call runs in a task of its own, so
/// that cancelling the caller never interrupts a statement half way; a commit is one
/// transaction, its frames inserted in bulk (one `INSERT … SELECT FROM unnest(…)` per table).
/// The schema is created and migrated on first use (`PostgresSchema`). Extensions in
/// `PostgresCaseStore+*.swift` group the methods by table.
public final class PostgresCaseStore: CaseStore, @unchecked Sendable {
    public enum Access: Sendable, Equatable {
        /// The schema is created or migrated as needed (scan, match, resume).
        case write
        /// Nothing is written, not even a migration (status, export).
        case read
    }

    public let location: PostgresLocation
    let gate: PostgresConnectionGate
    let password: String?
    private let lockMutex = NSLock()
    private var pendingRelease: Task<Void, Never>?

    /// Connects to the server `location` names and readies its schema for `access`. Every error
    /// is a `StoreError` (unreachable server, refused login, missing database, newer schema).
    public static func open(_ location: PostgresLocation, access: Access) async throws -> PostgresCaseStore {
        let store = PostgresCaseStore(location: location)
        try await store.guarded {
            switch access {
            case .write: try await PostgresSchema.migrate(store.gate)
            case .read: try await PostgresSchema.check(store.gate)
            }
        }
        return store
    }

    public static func open(_ url: String, access: Access) async throws -> PostgresCaseStore {
        try await open(try PostgresLocation(url), access: access)
    }

    init(location: PostgresLocation) {
        self.location = location
        self.password = location.resolvedPassword()
        gate = PostgresConnectionGate(location: location, password: password)
    }

    /// Names of the migrations applied to this database, in order.
    public func appliedMigrations() async throws -> [String] {
        try await guarded { try await self.gate.withConnection { c, l in try await PostgresSchema.appliedNames(c, l) } }
    }

    /// Closes the connection.
    public func close() async { await gate.close() }

    /// Runs a call in a task of its own (cancelling the caller does not interrupt it) and turns
    /// its errors into `StoreError` (a `CallerError` leaves as the error it wraps).
    func guarded<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
        let location = self.location
        return try await Task {
            do { return try await body() } catch let error as CallerError { throw error.error } catch {
                throw PostgresErrors.storeError(error, location: location, connecting: false)
            }
        }.value
    }

    func read<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection, Logger) async throws -> T) async throws -> T {
        try await guarded { try await self.gate.withConnection(body) }
    }

    func write<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection, Logger) async throws -> T) async throws -> T {
        try await guarded { try await self.gate.transaction(body) }
    }

    // MARK: Scan lock

    /// A session-level advisory lock held on a connection of its own: the server drops it when
    /// that session ends, however the process ends (kill -9, power cut, network cut).
    static let scanLockKey: Int64 = 0x4B50_5343_414E // "KPSCAN"

    public func acquireScanLock() async throws -> ScanLease {
        try await advisoryLock(shared: false)
    }

    /// The scan lock exclusive (one scanner, or a command that needs none running) or shared
    /// (the scanners that cooperate on the case).
    func advisoryLock(shared: Bool) async throws -> ScanLease {
        if let pending = lockMutex.withLock({ pendingRelease }) { await pending.value }
        let lockGate = PostgresConnectionGate(location: location, password: password)
        let granted = try await guarded {
            try await lockGate.withConnection { connection, logger in
                let query: PostgresQuery = shared ? "SELECT pg_try_advisory_lock_shared(\(Self.scanLockKey))" : "SELECT pg_try_advisory_lock(\(Self.scanLockKey))"
                return try await connection.query(query, logger: logger).collect().first?.decode(Bool.self) ?? false
            }
        }
        guard granted else {
            await lockGate.close()
            throw StoreError.locked(path: location.description)
        }
        return ScanLease { [weak self] in
            let closing = Task { await lockGate.close() }
            if let self { self.lockMutex.withLock { self.pendingRelease = closing } }
        }
    }
}

/// Reading rows by column name, with a wrong type reported as damage.
extension PostgresRandomAccessRow {
    func value<T: PostgresDecodable>(_ column: String, as type: T.Type = T.self) throws -> T {
        try self[column].decode(T.self)
    }
}
