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

    /// Path relative to the root, `/`-separated, as the file system spells it.
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
        walk(relative: "", into: &out)
        return out
    }

    private func absolute(_ relative: String) -> String { relative.isEmpty ? root : root + "/" + relative }

    private func walk(relative: String, into out: inout [WalkEntry]) {
        let folder = absolute(relative)
        let names: [String]
        do {
            names = try Self.list(folder)
        } catch {
            out.append(WalkEntry(relativePath: relative.isEmpty ? "." : relative, kind: .unreadableFolder(reason: "cannot list the folder: \(error.message)"),
                                 stamp: Self.stamp(folder) ?? FileStamp(size: 0, mtimeNanoseconds: 0)))
            return
        }
        for name in names.sorted(by: { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }) {
            let childRelative = relative.isEmpty ? name : relative + "/" + name
            let childPath = absolute(childRelative)
            var info = stat()
            guard lstat(childPath, &info) == 0 else {
                let reason = String(cString: strerror(errno))
                out.append(WalkEntry(relativePath: childRelative, kind: .skipped(reason: "cannot read its metadata: \(reason)"),
                                     stamp: FileStamp(size: 0, mtimeNanoseconds: 0)))
                continue
            }
            let stamp = Self.stamp(info)
            switch info.st_mode & S_IFMT {
            case S_IFDIR:
                walk(relative: childRelative, into: &out)
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
    func linkReason(_ path: String) -> String {
        let target = (try? FileManager.default.destinationOfSymbolicLink(atPath: path)) ?? "?"
        guard let resolved = realpath(path, nil) else {
            let code = errno
            if code == ELOOP { return "symbolic link loop (\(target)); not followed" }
            if code == ENOENT { return "dangling symbolic link to \(target); not followed" }
            return "symbolic link to \(target) that cannot be resolved: \(String(cString: strerror(code))); not followed"
        }
        let real = String(cString: resolved)
        free(resolved)
        // A link to its own folder or a folder above it would make a walk that follows links loop.
        let linkFolder = (path as NSString).deletingLastPathComponent
        if linkFolder == real || linkFolder.hasPrefix(real + "/") {
            return "symbolic link loop: points to \(target), a folder containing the link; not followed"
        }
        if real.hasPrefix(root + "/") {
            let inside = String(real.dropFirst(root.count + 1))
            return "symbolic link to \(inside) inside the evidence folder; not followed (the target is processed under its own path)"
        }
        return "symbolic link pointing outside the evidence folder, to \(real); not followed"
    }

    static func list(_ folder: String) throws(WalkError) -> [String] {
        guard let dir = opendir(folder) else { throw WalkError(code: errno) }
        defer { closedir(dir) }
        var names: [String] = []
        while true {
            errno = 0
            guard let entry = readdir(dir) else {
                if errno != 0 { throw WalkError(code: errno) }
                break
            }
            let name = withUnsafePointer(to: entry.pointee.d_name) { pointer in
                pointer.withMemoryRebound(to: CChar.self, capacity: Int(NAME_MAX) + 1) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
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

    static func stamp(_ path: String) -> FileStamp? {
        var info = stat()
        return lstat(path, &info) == 0 ? stamp(info) : nil
    }
}

/// An errno from walking, with its text.
struct WalkError: Error {
    let code: Int32
    var message: String { String(cString: strerror(code)) }
}
