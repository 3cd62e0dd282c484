import Foundation

/// Opens the case database that a `--db` value names. Today that is a path to a SQLite file
/// (the embedded default); a URL scheme (`postgres://…`) names another backend.
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

    public static func open(_ location: String, access: Access) throws -> any CaseStore {
        if isURL(location) { throw StoreError.unsupportedLocation(location) }
        let mode: SQLiteCaseStore.Mode
        switch access {
        case .create: mode = .create
        case .write: mode = .existing
        case .read: mode = .readOnly
        }
        return try SQLiteCaseStore(path: location, mode: mode)
    }
}
