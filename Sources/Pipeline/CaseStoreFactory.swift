import Foundation
import KeyprintStore
import KeyprintStorePostgres

/// Opens the case database that a `--db` value names: a path to a SQLite file (the embedded
/// default) or a `postgres://USER[:PASSWORD]@HOST:PORT/DBNAME[?sslmode=…]` URL (also
/// `postgresql://`) naming a catalog on a PostgreSQL server that several machines share. It
/// lives in the pipeline stage, the first that sees both backends.
public enum CaseStoreFactory {
    public enum Access: Sendable, Equatable {
        /// Created when missing (scan).
        case create
        /// Must exist; results are written (match, resume).
        case write
        /// Must exist; nothing is written (status, export).
        case read
    }

    /// True when `location` names a database by URL rather than by path.
    public static func isURL(_ location: String) -> Bool {
        guard let colon = location.firstIndex(of: ":"), location[colon...].hasPrefix("://") else { return false }
        let scheme = location[..<colon]
        return !scheme.isEmpty && scheme.allSatisfy { $0.isLetter || $0 == "+" }
    }

    /// `location` as it may be printed or recorded: a URL without its password.
    public static func displayed(_ location: String) -> String {
        PostgresLocation.redact(location)
    }

    /// `text` (a command line, a message) with the password of every postgres:// URL removed.
    public static func redacted(_ text: String) -> String { PostgresLocation.redact(text) }

    public static func open(_ location: String, access: Access) async throws -> any CaseStore {
        if isURL(location) {
            guard PostgresLocation.isPostgres(location) else { throw StoreError.unsupportedLocation(redacted(location)) }
            return try await PostgresCaseStore.open(location, access: access == .read ? .read : .write)
        }
        let mode: SQLiteCaseStore.Mode
        switch access {
        case .create: mode = .create
        case .write: mode = .existing
        case .read: mode = .readOnly
        }
        return try SQLiteCaseStore(path: location, mode: mode)
    }
}
