#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why an export could not be written, in words for the person at the terminal: the file, the
/// call that failed and the system's reason (`ENOSPC` is "No space left on device").
public enum ExportError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A system call on `path` failed with `errno` `code`.
    case io(path: String, operation: String, code: Int32)
    /// The target turned out to be something other than a regular file (a symbolic link, a
    /// device, a FIFO, …); it was left alone.
    case notARegularFile(path: String)
    /// A folder to write into turned out to be something other than a folder.
    case notAFolder(path: String)

    public var description: String {
        switch self {
        case .io(let path, let operation, let code):
            return "cannot write \(path): \(operation) failed: \(String(cString: strerror(code)))"
        case .notARegularFile(let path): return "refusing to replace \(path): it is not a regular file"
        case .notAFolder(let path): return "refusing to write into \(path): it is not a folder"
        }
    }

    /// The `errno` of an `.io` failure.
    public var code: Int32? {
        if case .io(_, _, let code) = self { return code }
        return nil
    }
}
