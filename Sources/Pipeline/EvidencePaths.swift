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

/// Resolves the evidence folder, the case database path and export paths, and refuses any of
/// them that would be written inside the evidence.
///
/// Every check compares *real* paths (every symbolic link resolved, `..` removed): the real
/// folder an entry would be created in, never the text typed. A symbolic link as the last
/// component is followed to its final target for the database (SQLite follows it too, and
/// puts its -wal and -shm files beside the target), and refused outright for an export (an
/// atomic rename would replace the link itself, which may sit inside the evidence).
public enum EvidencePaths {
    public enum Problem: Error, Sendable, Equatable, CustomStringConvertible {
        case folderMissing(String)
        case notAFolder(String)
        case databaseInsideEvidence(database: String, folder: String)
        case databaseFolderMissing(String)
        /// A chain of symbolic links that does not end (a loop, or more than 40 links).
        case unresolvableLink(String)
        case outputInsideEvidence(output: String, folder: String)
        /// An export path that exists and is not a regular file (`kind` says what it is).
        case outputNotAFile(path: String, kind: String)
        /// An export folder path that exists and is not a folder (`kind` says what it is).
        case outputNotAFolder(path: String, kind: String)
        case outputFolderMissing(String)
        /// The export path is the case database itself (or one of its -wal/-shm files).
        case outputIsTheCaseDatabase(String)

        public var description: String {
            switch self {
            case .folderMissing(let p): return "the evidence folder \(p) does not exist or cannot be resolved"
            case .notAFolder(let p): return "\(p) is not a folder"
            case .databaseInsideEvidence(let db, let folder):
                return "refusing to write the case database \(db) inside the evidence folder \(folder); put it somewhere else"
            case .databaseFolderMissing(let p): return "the folder for the case database, \(p), does not exist"
            case .unresolvableLink(let p): return "\(p) is a chain of symbolic links that does not end"
            case .outputInsideEvidence(let output, let folder):
                return "refusing to write the export \(output) inside the evidence folder \(folder); put it somewhere else"
            case .outputNotAFile(let p, let kind):
                return "refusing to write the export to \(p): it is \(kind), not a regular file; name a new file or a regular one"
            case .outputNotAFolder(let p, let kind):
                return "refusing to write the export into \(p): it is \(kind), not a folder"
            case .outputFolderMissing(let p): return "the folder for the export, \(p), does not exist"
            case .outputIsTheCaseDatabase(let p): return "refusing to overwrite the case database \(p) with an export"
            }
        }
    }

    /// The absolute path with every symbolic link resolved.
    public static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// The evidence folder, resolved.
    public static func resolveFolder(_ path: String) throws(Problem) -> String {
        guard let real = realPath(path) else { throw .folderMissing(path) }
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: real, isDirectory: &isFolder), isFolder.boolValue else { throw .notAFolder(path) }
        return real
    }

    /// The database path with its folder resolved. The file itself may not exist yet; if it
    /// is a symbolic link, the link is followed to its final target even when that does not
    /// exist yet (a dangling link): that is where SQLite would create the database.
    public static func resolveDatabase(_ path: String) throws(Problem) -> String {
        var current = path
        for _ in 0..<40 {
            if let real = realPath(current) { return real }
            let (folder, name) = split(current)
            guard let realFolder = realPath(folder) else { throw .databaseFolderMissing(folder) }
            let joined = join(realFolder, name)
            guard let target = linkTarget(joined) else { return joined }
            current = target.hasPrefix("/") ? target : join(realFolder, target)
        }
        throw .unresolvableLink(path)
    }

    /// Throws when the (resolved) database would sit inside the (resolved) folder.
    public static func checkDatabase(_ database: String, outside folder: String) throws(Problem) {
        if isInside(database, folder) { throw .databaseInsideEvidence(database: database, folder: folder) }
    }

    /// True when `path` is `folder` or lies under it (both real paths).
    public static func isInside(_ path: String, _ folder: String) -> Bool {
        path == folder || path.hasPrefix(folder == "/" ? "/" : folder + "/")
    }

    // MARK: Exports

    /// Where an export file goes: a real (resolved) folder and a name in it.
    public struct OutputFile: Sendable, Equatable {
        public var folder: String
        public var name: String
        public var path: String { EvidencePaths.join(folder, name) }
    }

    /// An export file path, checked: it must be a new path or an existing regular file (not a
    /// symbolic link, device, FIFO, socket or folder), its real folder must exist and lie
    /// outside every folder in `roots`, and it must not be the case database at `database`.
    public static func resolveOutputFile(_ path: String, outside roots: [String], database: String? = nil) throws(Problem) -> OutputFile {
        var info = stat()
        if lstat(path, &info) == 0 {
            let type = info.st_mode & S_IFMT
            if type != S_IFREG { throw .outputNotAFile(path: path, kind: kindName(type)) }
            if let database, isDatabaseFile(info, database) { throw .outputIsTheCaseDatabase(path) }
        }
        let (folder, name) = split(path)
        var folderInfo = stat()
        guard let realFolder = realPath(folder), stat(realFolder, &folderInfo) == 0, folderInfo.st_mode & S_IFMT == S_IFDIR else {
            throw .outputFolderMissing(folder)
        }
        guard !name.isEmpty, name != ".", name != ".." else { throw .outputNotAFile(path: path, kind: "a folder") }
        let target = OutputFile(folder: realFolder, name: name)
        for root in roots where isInside(target.path, root) { throw .outputInsideEvidence(output: target.path, folder: root) }
        return target
    }

    /// An export folder path, checked and resolved: an existing folder that is not a symbolic
    /// link, or a new path (created later, with its missing parents). Its real path must lie
    /// outside every folder in `roots`. Returns the real path to create or write into.
    public static func resolveOutputFolder(_ path: String, outside roots: [String]) throws(Problem) -> String {
        var info = stat()
        let resolved: String
        if lstat(path, &info) == 0 {
            let type = info.st_mode & S_IFMT
            guard type == S_IFDIR else { throw .outputNotAFolder(path: path, kind: kindName(type)) }
            guard let real = realPath(path) else { throw .outputFolderMissing(path) }
            resolved = real
        } else {
            // The deepest part that exists, resolved; the rest is created as real folders, so
            // its `.` and `..` are removed as text.
            let absolute = path.hasPrefix("/") ? path : join(FileManager.default.currentDirectoryPath, path)
            let parts = absolute.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
            var existing = parts.count
            while existing > 0, lstat("/" + parts.prefix(existing).joined(separator: "/"), &info) != 0 { existing -= 1 }
            let base = "/" + parts.prefix(existing).joined(separator: "/")
            var baseInfo = stat()
            guard let realBase = realPath(base), stat(realBase, &baseInfo) == 0, baseInfo.st_mode & S_IFMT == S_IFDIR else {
                throw .outputFolderMissing(base)
            }
            var components = realBase.split(separator: "/").map(String.init)
            for part in parts.dropFirst(existing) {
                switch part {
                case ".": continue
                case "..": if !components.isEmpty { components.removeLast() }
                default: components.append(part)
                }
            }
            resolved = "/" + components.joined(separator: "/")
        }
        for root in roots where isInside(resolved, root) { throw .outputInsideEvidence(output: resolved, folder: root) }
        return resolved
    }

    // MARK: Helpers

    /// The folder part (`.` when none) and the last component of a path.
    static func split(_ path: String) -> (folder: String, name: String) {
        var trimmed = Substring(path)
        while trimmed.count > 1, trimmed.hasSuffix("/") { trimmed.removeLast() }
        guard let slash = trimmed.lastIndex(of: "/") else { return (".", String(trimmed)) }
        let folder = trimmed[..<slash]
        return (folder.isEmpty ? "/" : String(folder), String(trimmed[trimmed.index(after: slash)...]))
    }

    static func join(_ folder: String, _ name: String) -> String {
        folder == "/" ? "/" + name : folder + "/" + name
    }

    /// The target of a symbolic link, or nil when `path` is not one.
    static func linkTarget(_ path: String) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlink(path, &buffer, buffer.count - 1)
        guard count >= 0 else { return nil }
        return String(decoding: buffer.prefix(count).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// True when `info` is the file at `database` or its -wal or -shm file.
    static func isDatabaseFile(_ info: stat, _ database: String) -> Bool {
        for candidate in [database, database + "-wal", database + "-shm"] {
            var other = stat()
            if stat(candidate, &other) == 0, other.st_dev == info.st_dev, other.st_ino == info.st_ino { return true }
        }
        return false
    }

    /// "a symbolic link", "a character device", … for an `st_mode & S_IFMT`.
    static func kindName(_ type: mode_t) -> String {
        switch type {
        case S_IFLNK: return "a symbolic link"
        case S_IFCHR: return "a character device"
        case S_IFBLK: return "a block device"
        case S_IFIFO: return "a FIFO"
        case S_IFSOCK: return "a socket"
        case S_IFDIR: return "a folder"
        case S_IFREG: return "a regular file"
        default: return "not a regular file"
        }
    }
}
