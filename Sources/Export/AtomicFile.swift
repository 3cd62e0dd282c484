#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One export file written atomically: the text goes to a new temporary file in the target's
/// folder (created `O_EXCL|O_NOFOLLOW`), which `commit()` flushes to disk and renames over
/// the target. A reader sees the old file or the whole new one, never a part; a failure
/// (a full disk, say) leaves the old file as it was and removes the temporary one.
///
/// Only a regular file is replaced: a target that is a symbolic link, a device, a FIFO or
/// anything else is refused before the temporary file is made and checked again just before
/// the rename, so neither a link (which may sit inside the evidence) nor `/dev/full` is ever
/// replaced. `folder` should be a real path (`EvidencePaths.resolveOutputFile`).
public final class AtomicFile {
    public let folder: String
    public let name: String
    public var path: String { folder == "/" ? "/" + name : folder + "/" + name }
    private var temporaryPath = ""
    private var descriptor: Int32 = -1
    private var finished = false

    public init(folder: String, name: String) throws(ExportError) {
        self.folder = folder
        self.name = name
        let target = folder == "/" ? "/" + name : folder + "/" + name
        try Self.checkReplaceable(target)
        var attempt = 0
        while true {
            // A short name (the target's may already be 255 bytes long), hidden, unique.
            let candidate = (folder == "/" ? "" : folder) + "/.keyprint-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).tmp"
            let fd = open(candidate, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o666)
            if fd >= 0 {
                temporaryPath = candidate
                descriptor = fd
                break
            }
            attempt += 1
            if errno != EEXIST || attempt > 100 { throw .io(path: target, operation: "creating a temporary file in \(folder)", code: errno) }
        }
    }

    deinit { abandon() }

    /// Appends text to the temporary file.
    public func write(_ text: String) throws(ExportError) {
        guard !finished else { return }
        do { try DescriptorWriter(descriptor: descriptor, name: path).write(text) } catch {
            abandon()
            throw error
        }
    }

    /// Appends bytes (an image, say) to the temporary file.
    public func write(bytes: [UInt8]) throws(ExportError) {
        guard !finished else { return }
        var failure: ExportError?
        bytes.withUnsafeBytes { raw in
            do throws(ExportError) { try DescriptorWriter(descriptor: descriptor, name: path).write(raw) } catch { failure = error }
        }
        if let failure {
            abandon()
            throw failure
        }
    }

    /// Flushes the temporary file to disk and renames it over the target. `flush: false` leaves
    /// the flushing (of the file and of the folder's rename) to the caller, who writes many
    /// files and then flushes them all at once (`sync`) before the one that names them.
    public func commit(flush: Bool = true) throws(ExportError) {
        guard !finished else { return }
        if flush && fsync(descriptor) != 0 { try fail("fsync") }
        let closed = close(descriptor)
        descriptor = -1
        if closed != 0 { try fail("close") }
        do { try Self.checkReplaceable(path) } catch {
            abandon()
            throw error
        }
        if rename(temporaryPath, path) != 0 { try fail("rename") }
        finished = true
        guard flush else { return }
        // The rename itself is durable once the folder is flushed too.
        let folderDescriptor = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if folderDescriptor >= 0 {
            _ = fsync(folderDescriptor)
            close(folderDescriptor)
        }
    }

    /// Removes the temporary file; the target stays as it was.
    public func abandon() {
        guard !finished else { return }
        finished = true
        if descriptor >= 0 { close(descriptor) }
        descriptor = -1
        unlink(temporaryPath)
    }

    private func fail(_ operation: String) throws(ExportError) {
        let code = errno
        abandon()
        throw .io(path: path, operation: operation, code: code)
    }

    /// Throws unless `path` is absent or a regular file (not followed if it is a link).
    static func checkReplaceable(_ path: String) throws(ExportError) {
        var info = stat()
        if lstat(path, &info) == 0 {
            if info.st_mode & S_IFMT != S_IFREG { throw .notARegularFile(path: path) }
        } else if errno != ENOENT {
            throw .io(path: path, operation: "lstat", code: errno)
        }
    }

    /// Writes `text` to `folder/name` atomically.
    public static func write(_ text: String, folder: String, name: String) throws(ExportError) {
        let file = try AtomicFile(folder: folder, name: name)
        try file.write(text)
        try file.commit()
    }

    /// Writes `bytes` to `folder/name` atomically.
    public static func write(bytes: [UInt8], folder: String, name: String, flush: Bool = true) throws(ExportError) {
        let file = try AtomicFile(folder: folder, name: name)
        try file.write(bytes: bytes)
        try file.commit(flush: flush)
    }
}
