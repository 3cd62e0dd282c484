#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import KeyprintModel

/// One evidence file, opened once, read-only: the single descriptor from which its custody
/// hashes are computed and from which FFmpeg decodes it (`InputIO`), so that the frames come
/// from the bytes that were hashed. Owns the descriptor and closes it in `deinit`; not
/// `Sendable`, it stays in the task that opened it.
///
/// Opening never follows a final symbolic link (O_NOFOLLOW), never blocks on a FIFO or device
/// swapped in after the folder walk (O_NONBLOCK until `fstat` has shown a regular file; then
/// cleared), never leaks into child processes (O_CLOEXEC), and does not move the access time
/// where the system allows it (O_NOATIME, refused with EPERM unless we own the file).
public final class EvidenceFile {
    /// The path for messages (`EvidenceName`'s text where the name is not UTF-8).
    public let path: String
    /// The path as the system spells it.
    public let fileSystemPath: FileSystemPath
    public let descriptor: Int32
    /// Size, modification time and inode when it was opened.
    public let opened: FileIdentity

    /// Why the file could not be opened or read.
    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        /// A system call failed with this errno.
        case systemCall(function: String, code: Int32)
        /// The path named something other than a regular file (a FIFO, device, socket…).
        case notRegularFile(kind: String)

        public var description: String {
            switch self {
            case .systemCall(let function, let code): return "cannot read the file (\(function)): \(String(cString: strerror(code)))"
            case .notRegularFile(let kind): return "not a regular file (\(kind)); only regular files are read"
            }
        }
    }

    /// Opens `path`, refusing anything but a regular file.
    public convenience init(path: String) throws(Failure) {
        try self.init(fileSystemPath: FileSystemPath(path), displayPath: path)
    }

    /// Opens the file at `fileSystemPath` (any bytes), refusing anything but a regular file.
    public init(fileSystemPath: FileSystemPath, displayPath: String) throws(Failure) {
        self.path = displayPath
        self.fileSystemPath = fileSystemPath
        let fd = try Self.openWithoutBlocking(fileSystemPath)
        var status = stat()
        if fstat(fd, &status) != 0 {
            let code = errno
            close(fd)
            throw .systemCall(function: "fstat", code: code)
        }
        guard status.st_mode & S_IFMT == S_IFREG else {
            close(fd)
            throw .notRegularFile(kind: Self.kind(of: status.st_mode))
        }
        // A regular file: blocking reads from here on (O_NONBLOCK has no effect on them, but the
        // descriptor should say what it is).
        let flags = fcntl(fd, F_GETFL)
        if flags < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) != 0 {
            let code = errno
            close(fd)
            throw .systemCall(function: "fcntl", code: code)
        }
        descriptor = fd
        opened = FileIdentity(status)
    }

    deinit { close(descriptor) }

    /// The descriptor's identity now (`fstat`): a write through any path changes size or time.
    public func current() throws(Failure) -> FileIdentity {
        var status = stat()
        if fstat(descriptor, &status) != 0 { throw .systemCall(function: "fstat", code: errno) }
        return FileIdentity(status)
    }

    /// What the path names now (`lstat`), nil when it names nothing: a rename over the path
    /// shows as another inode.
    public func atPath() -> FileIdentity? {
        var status = stat()
        return fileSystemPath.withCString { lstat($0, &status) } == 0 ? FileIdentity(status) : nil
    }

    /// Reads up to `count` bytes at `offset` into `buffer`, retrying on EINTR. Returns the
    /// bytes read (0 at the end of the file).
    public func read(into buffer: UnsafeMutableRawPointer, count: Int, at offset: Int64) throws(Failure) -> Int {
        while true {
            let n = pread(descriptor, buffer, count, off_t(offset))
            if n >= 0 { return n }
            if errno == EINTR { continue }
            throw .systemCall(function: "pread", code: errno)
        }
    }

    #if os(Linux)
    /// O_NOATIME from <asm-generic/fcntl.h> (the same on x86_64 and aarch64); Glibc only
    /// exposes it under _GNU_SOURCE, which Swift's import does not define.
    static let noAccessTime: Int32 = 0o1000000
    #endif

    static func openWithoutBlocking(_ path: FileSystemPath) throws(Failure) -> Int32 {
        let flags = O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK
        #if os(Linux)
        let fd = path.withCString { open($0, flags | noAccessTime) }
        if fd >= 0 { return fd }
        // O_NOATIME is refused (EPERM) unless we own the file or are privileged.
        guard errno == EPERM else { throw .systemCall(function: "open", code: errno) }
        #endif
        let plain = path.withCString { open($0, flags) }
        if plain < 0 { throw .systemCall(function: "open", code: errno) }
        return plain
    }

    static func kind(of mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFIFO: return "a FIFO"
        case S_IFCHR: return "a character device"
        case S_IFBLK: return "a block device"
        case S_IFSOCK: return "a socket"
        case S_IFDIR: return "a directory"
        case S_IFLNK: return "a symbolic link"
        default: return "file type \(String(mode & S_IFMT, radix: 8))"
        }
    }
}

/// Which file a descriptor or path names and what state it is in: device and inode, size,
/// modification and status-change times in nanoseconds.
public struct FileIdentity: Sendable, Equatable {
    public var device: UInt64
    public var inode: UInt64
    public var size: Int64
    public var mtimeNanoseconds: Int64
    public var ctimeNanoseconds: Int64

    public init(device: UInt64, inode: UInt64, size: Int64, mtimeNanoseconds: Int64, ctimeNanoseconds: Int64) {
        self.device = device; self.inode = inode; self.size = size
        self.mtimeNanoseconds = mtimeNanoseconds; self.ctimeNanoseconds = ctimeNanoseconds
    }

    init(_ s: stat) {
        device = UInt64(s.st_dev)
        inode = UInt64(s.st_ino)
        size = Int64(s.st_size)
        mtimeNanoseconds = Int64(s.st_mtim.tv_sec) * 1_000_000_000 + Int64(s.st_mtim.tv_nsec)
        ctimeNanoseconds = Int64(s.st_ctim.tv_sec) * 1_000_000_000 + Int64(s.st_ctim.tv_nsec)
    }

    /// Words for how `later` differs from this identity in content (size, modification time) or
    /// in which file it is (device, inode); nil when it does not. The status-change time alone
    /// (a chmod, a new hard link) is not a change of content.
    public func change(to later: FileIdentity) -> String? {
        if later.device != device || later.inode != inode {
            return "the path now names another file (inode \(inode) → \(later.inode))"
        }
        if later.size != size { return "size \(size) → \(later.size) bytes" }
        if later.mtimeNanoseconds != mtimeNanoseconds {
            return "modification time \(Self.seconds(mtimeNanoseconds)) → \(Self.seconds(later.mtimeNanoseconds))"
        }
        return nil
    }

    static func seconds(_ ns: Int64) -> String {
        let whole = ns / 1_000_000_000, fraction = ns % 1_000_000_000
        let digits = String(fraction)
        return "\(whole).\(String(repeating: "0", count: 9 - digits.count))\(digits)"
    }
}
