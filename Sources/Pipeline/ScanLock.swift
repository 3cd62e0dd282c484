import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import KeyprintModel
import KeyprintDecode
import KeyprintStore
import KeyprintExport

/// Keeps two scans from working on the same case database at once: an exclusive `flock` on
/// `<database>.lock` (beside the database, never in the evidence). The kernel drops the lock
/// when the process ends, however it ends, so a killed scan never leaves a stale lock.
public final class ScanLock: @unchecked Sendable {
    public enum Problem: Error, Sendable, Equatable, CustomStringConvertible {
        case held(path: String)
        case cannotOpen(path: String, reason: String)

        public var description: String {
            switch self {
            case .held(let path): return "another keyprint scan is working on this case database (lock \(path) is held)"
            case .cannotOpen(let path, let reason): return "cannot open the lock file \(path): \(reason)"
            }
        }
    }

    public let path: String
    private var fd: Int32

    /// Takes the lock for `database` without waiting.
    public init(database: String) throws(Problem) {
        path = database + ".lock"
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        if fd < 0 { throw .cannotOpen(path: path, reason: String(cString: strerror(errno))) }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let code = errno
            close(fd)
            if code == EWOULDBLOCK { throw .held(path: path) }
            throw .cannotOpen(path: path, reason: String(cString: strerror(code)))
        }
    }

    public func release() {
        if fd >= 0 { flock(fd, LOCK_UN); close(fd); fd = -1 }
    }

    deinit { release() }
}
