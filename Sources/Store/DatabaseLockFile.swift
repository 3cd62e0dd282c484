import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The scan lock of a SQLite case database: an exclusive `flock` on the database file itself,
/// so that every path to it (a hard link, a symbolic link, another spelling) meets the same
/// lock. The kernel drops it when the process ends, however it ends, so a killed scan never
/// leaves a stale lock. `flock` locks are separate from the POSIX record locks SQLite uses, but
/// closing any descriptor of the file drops this process's POSIX locks on it: the descriptor is
/// therefore opened once and closed only after SQLite's connections (`SQLiteCaseStore.deinit`).
final class DatabaseLockFile: @unchecked Sendable {
    let path: String
    private let mutex = NSLock()
    private var fd: Int32 = -1
    private var held = false

    init(path: String) { self.path = path }

    /// Takes the lock without waiting.
    func acquire() throws(StoreError) {
        mutex.lock()
        defer { mutex.unlock() }
        if held { throw .locked(path: path) }
        if fd < 0 {
            fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
            if fd < 0 { throw .cannotOpen(path: path, reason: "cannot open it to lock it: \(String(cString: strerror(errno)))") }
        }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let code = errno
            if code == EWOULDBLOCK { throw .locked(path: path) }
            throw .cannotOpen(path: path, reason: "cannot lock it: \(String(cString: strerror(code)))")
        }
        held = true
    }

    func release() {
        mutex.withLock {
            if held, fd >= 0 { flock(fd, LOCK_UN) }
            held = false
        }
    }

    /// Only after the database's connections are closed.
    func closeDescriptor() {
        mutex.withLock {
            if fd >= 0 { close(fd) }
            fd = -1
            held = false
        }
    }
}
