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

/// Resolves the evidence folder and the case database path, and refuses a database that
/// would be written inside the evidence.
public enum EvidencePaths {
    public enum Problem: Error, Sendable, Equatable, CustomStringConvertible {
        case folderMissing(String)
        case notAFolder(String)
        case databaseInsideEvidence(database: String, folder: String)
        case databaseFolderMissing(String)

        public var description: String {
            switch self {
            case .folderMissing(let p): return "the evidence folder \(p) does not exist or cannot be resolved"
            case .notAFolder(let p): return "\(p) is not a folder"
            case .databaseInsideEvidence(let db, let folder):
                return "refusing to write the case database \(db) inside the evidence folder \(folder); put it somewhere else"
            case .databaseFolderMissing(let p): return "the folder for the case database, \(p), does not exist"
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

    /// The database path with its folder resolved (the file itself may not exist yet; if it
    /// exists and is a link, the link is resolved too).
    public static func resolveDatabase(_ path: String) throws(Problem) -> String {
        if let real = realPath(path) { return real }
        let url = URL(fileURLWithPath: path)
        let parent = url.deletingLastPathComponent().path
        guard let realParent = realPath(parent) else { throw .databaseFolderMissing(parent) }
        return realParent == "/" ? "/" + url.lastPathComponent : realParent + "/" + url.lastPathComponent
    }

    /// Throws when the (resolved) database would sit inside the (resolved) folder.
    public static func checkDatabase(_ database: String, outside folder: String) throws(Problem) {
        if database == folder || database.hasPrefix(folder == "/" ? "/" : folder + "/") {
            throw .databaseInsideEvidence(database: database, folder: folder)
        }
    }
}
