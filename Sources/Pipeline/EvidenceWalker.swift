import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import KeyprintModel
import KeyprintDecode
import KeyprintIndex
import KeyprintStore
import KeyprintExport

/// One entry found under the evidence root.
public struct WalkEntry: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// A regular file: a candidate for processing.
        case regularFile
        /// Recorded as skipped without being read: a symbolic link, a device, a FIFO, a socket.
        case skipped(reason: String)
        /// A folder whose contents could not be listed.
        case unreadableFolder(reason: String)
    }

    /// Path relative to the root, `/`-separated, as the file system spells it (`EvidenceName`:
    /// bytes that are not UTF-8 written `\xNN`, a backslash `\\`).
    public var relativePath: String
    public var kind: Kind
    /// From `lstat`: never the target of a link.
    public var stamp: FileStamp
}

/// Walks an evidence folder recursively in a deterministic order (entries sorted by their
/// bytes). It never follows a symbolic link — a link is recorded as skipped with where it
/// points (outside the root, into a loop, dangling, or to something also reached under its
/// own path) — so it cannot leave the root or loop. It only reads: nothing is opened for
/// writing and no metadata is changed.
public struct EvidenceWalker: Sendable {
    public let root: String

    /// `root` should be absolute and resolved (see `EvidencePaths.resolve`).
    public init(root: String) { self.root = root }

    public func entries() -> [WalkEntry] {
        var out: [WalkEntry] = []
        walk(relative: [], into: &out)
        return out
    }

    /// The root joined with a relative path given as bytes.
    private func absolute(_ relative: [UInt8]) -> FileSystemPath {
        relative.isEmpty ? FileSystemPath(root) : FileSystemPath(root).appending(relative)
    }

    private func walk(relative: [UInt8], into out: inout [WalkEntry]) {
        let folder = absolute(relative)
        let names: [[UInt8]]
        do {
            names = try Self.list(folder)
        } catch {
            out.append(WalkEntry(relativePath: relative.isEmpty ? "." : EvidenceName.text(fromBytes: relative),
                                 kind: .unreadableFolder(reason: "cannot list the folder: \(error.message)"),
                                 stamp: Self.stamp(folder) ?? FileStamp(size: 0, mtimeNanoseconds: 0)))
            return
        }
        for name in names.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
            let childBytes = relative.isEmpty ? name : relative + [UInt8(ascii: "/")] + name
            let childRelative = EvidenceName.text(fromBytes: childBytes)
            let childPath = absolute(childBytes)
            var info = stat()
            guard childPath.withCString({ lstat($0, &info) }) == 0 else {
                let reason = String(cString: strerror(errno))
                out.append(WalkEntry(relativePath: childRelative, kind: .skipped(reason: "cannot read its metadata: \(reason)"),
                                     stamp: FileStamp(size: 0, mtimeNanoseconds: 0)))
                continue
            }
            let stamp = Self.stamp(info)
            switch info.st_mode & S_IFMT {
            case S_IFDIR:
                walk(relative: childBytes, into: &out)
            case S_IFREG:
                out.append(WalkEntry(relativePath: childRelative, kind: .regularFile, stamp: stamp))
            case S_IFLNK:
                out.append(WalkEntry(relativePath: childRelative, kind: .skipped(reason: linkReason(childPath)), stamp: stamp))
            case S_IFIFO:
                out.append(WalkEntry(relativePath: childRelative, kind: .skipped(reason: "not a regular file: a FIFO (named pipe)"), stamp: stamp))
            case S_IFSOCK:
                out.append(WalkEntry(relativePath: childRelative, kind: .skipped(reason: "not a regular file: a socket"), stamp: stamp))
            case S_IFCHR, S_IFBLK:
                out.append(WalkEntry(relativePath: childRelative, kind: .skipped(reason: "not a regular file: a device"), stamp: stamp))
            default:
                out.append(WalkEntry(relativePath: childRelative, kind: .skipped(reason: "not a regular file"), stamp: stamp))
            }
        }
    }

    /// Why a symbolic link is not followed, saying where it leads.
    func linkReason(_ path: FileSystemPath) -> String {
        let target = Self.readLink(path).map { EvidenceName.text(fromBytes: $0) } ?? "?"
        guard let resolved = path.withCString({ realpath($0, nil) }) else {
            let code = errno
            if code == ELOOP { return "symbolic link loop (\(target)); not followed" }
            if code == ENOENT { return "dangling symbolic link to \(target); not followed" }
            return "symbolic link to \(target) that cannot be resolved: \(String(cString: strerror(code))); not followed"
        }
        let realBytes = Array(UnsafeBufferPointer(start: UnsafeRawPointer(resolved).assumingMemoryBound(to: UInt8.self), count: strlen(resolved)))
        free(resolved)
        // A link to its own folder or a folder above it would make a walk that follows links loop.
        let slash = UInt8(ascii: "/")
        let linkFolder = Array(path.bytes[..<(path.bytes.lastIndex(of: slash) ?? path.bytes.endIndex)])
        if linkFolder == realBytes || linkFolder.starts(with: realBytes + [slash]) {
            return "symbolic link loop: points to \(target), a folder containing the link; not followed"
        }
        let rootBytes = Array(root.utf8) + [slash]
        if realBytes.starts(with: rootBytes) {
            let inside = EvidenceName.text(fromBytes: realBytes.dropFirst(rootBytes.count))
            return "symbolic link to \(inside) inside the evidence folder; not followed (the target is processed under its own path)"
        }
        return "symbolic link pointing outside the evidence folder, to \(EvidenceName.text(fromBytes: realBytes)); not followed"
    }

    /// A link's target as bytes, nil when it cannot be read.
    static func readLink(_ path: FileSystemPath) -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = path.withCString { p in buffer.withUnsafeMutableBufferPointer { readlink(p, UnsafeMutableRawPointer($0.baseAddress!).assumingMemoryBound(to: CChar.self), $0.count) } }
        return count < 0 ? nil : Array(buffer[..<count])
    }

    /// The names in a folder, as bytes, without `.` and `..`.
    static func list(_ folder: FileSystemPath) throws(WalkError) -> [[UInt8]] {
        guard let dir = folder.withCString({ opendir($0) }) else { throw WalkError(code: errno) }
        defer { closedir(dir) }
        var names: [[UInt8]] = []
        while true {
            errno = 0
            guard let entry = readdir(dir) else {
                if errno != 0 { throw WalkError(code: errno) }
                break
            }
            let name = withUnsafePointer(to: entry.pointee.d_name) { pointer in
                pointer.withMemoryRebound(to: UInt8.self, capacity: Int(NAME_MAX) + 1) { p in
                    Array(UnsafeBufferPointer(start: p, count: strlen(UnsafeRawPointer(p).assumingMemoryBound(to: CChar.self))))
                }
            }
            if name != [UInt8(ascii: ".")] && name != [UInt8(ascii: "."), UInt8(ascii: ".")] { names.append(name) }
        }
        return names
    }

    static func stamp(_ info: stat) -> FileStamp {
        #if canImport(Darwin)
        let time = info.st_mtimespec
        #else
        let time = info.st_mtim
        #endif
        return FileStamp(size: Int64(info.st_size), mtimeNanoseconds: Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec))
    }

    static func stamp(_ path: FileSystemPath) -> FileStamp? {
        var info = stat()
        return path.withCString { lstat($0, &info) } == 0 ? stamp(info) : nil
    }
}

/// An errno from walking, with its text.
struct WalkError: Error {
    let code: Int32
    var message: String { String(cString: strerror(code)) }
}
