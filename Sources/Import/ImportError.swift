/// Why an imported hash file or hash set was refused, in words for the person at the terminal.
/// Every case names the file; a parse error also names the line (1-based).
public enum ImportError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A line that does not parse: the file, the line number and what is wrong with it.
    case malformedLine(file: String, line: Int, reason: String)
    /// A file with no hash line at all.
    case noHashes(file: String)
    /// A file or folder that cannot be read.
    case unreadable(path: String, reason: String)
    /// A hash-set document whose data model or layout Keyprint does not know (never guessed).
    case unknownFormat(file: String, reason: String)

    public var description: String {
        switch self {
        case .malformedLine(let file, let line, let reason): return "\(file), line \(line): \(reason)"
        case .noHashes(let file): return "\(file): no hash lines"
        case .unreadable(let path, let reason): return "cannot read \(path): \(reason)"
        case .unknownFormat(let file, let reason): return "\(file): \(reason)"
        }
    }
}
