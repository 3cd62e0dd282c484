/// Why the case database could not be used, in words for the person at the terminal.
public enum StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    case noDatabase(path: String)
    case cannotOpen(path: String, reason: String)
    case sqlite(String)
    case unknownFile(id: Int64)

    public var description: String {
        switch self {
        case .noDatabase(let path): return "no case database at \(path)"
        case .cannotOpen(let path, let reason): return "cannot open the case database \(path): \(reason)"
        case .sqlite(let message): return "case database error: \(message)"
        case .unknownFile(let id): return "no file with id \(id) in the case database"
        }
    }
}
