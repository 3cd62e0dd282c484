import Crypto
import Foundation
import KeyprintImport
import KeyprintModel
import KeyprintStore

/// `keyprint import vpdq`: each vPDQ hash file named (or found under a named folder, `*.txt`,
/// recursively, in byte order of their paths) becomes one reference item of a collection,
/// named by its path below the folder (a file named directly: its file name). All of it is one
/// transaction: a malformed line anywhere stores nothing.
public struct VPDQImporter: Sendable {
    public let store: any KnownMaterialStore

    public init(store: any KnownMaterialStore) { self.store = store }

    /// A hash file to import: its folder and its name below it.
    public struct Source: Sendable, Equatable {
        public var root: String
        public var relativePath: String
        public var path: String { root.hasSuffix("/") ? root + relativePath : root + "/" + relativePath }
    }

    /// The hash files `paths` name, resolved: a file as itself, a folder as its `*.txt` files.
    public static func sources(_ paths: [String]) throws(ImportError) -> [Source] {
        var out: [Source] = []
        for path in paths {
            guard let real = EvidencePaths.realPath(path) else { throw .unreadable(path: path, reason: "no such file or folder") }
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: real, isDirectory: &isFolder) else { throw .unreadable(path: path, reason: "no such file or folder") }
            if !isFolder.boolValue {
                let url = URL(fileURLWithPath: real)
                out.append(Source(root: url.deletingLastPathComponent().path, relativePath: url.lastPathComponent))
                continue
            }
            guard let enumerator = FileManager.default.enumerator(atPath: real) else { throw .unreadable(path: path, reason: "cannot list the folder") }
            var found: [String] = []
            while let name = enumerator.nextObject() as? String {
                guard name.hasSuffix(".txt"), enumerator.fileAttributes?[.type] as? FileAttributeType == .typeRegular else { continue }
                found.append(name)
            }
            found.sort { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
            out += found.map { Source(root: real, relativePath: $0) }
        }
        return out
    }

    /// Reads, checks and parses one hash file into an item.
    public static func item(_ source: Source, role: ImportRole = .reference) throws -> ImportedItem {
        let bytes: Data
        do { bytes = try Data(contentsOf: URL(fileURLWithPath: source.path)) } catch {
            throw ImportError.unreadable(path: source.path, reason: (error as NSError).localizedDescription)
        }
        let frames = try VPDQParser.parse(bytes, file: source.path)
        let digest = SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
        return ImportedItem(root: source.root, relativePath: source.relativePath,
                            source: ImportedSource(format: "vpdq", sha256: digest, role: role), frames: frames)
    }

    /// Imports the hash files `paths` name into `collection`; `progress` gets the files and
    /// hash lines done so far after each file.
    public func run(paths: [String], collection: String, role: ImportRole = .reference, commandLine: String,
                    progress: @escaping @Sendable (_ files: Int, _ total: Int, _ lines: Int) -> Void = { _, _, _ in }) async throws -> ImportSummary {
        let sources = try Self.sources(paths)
        if sources.isEmpty { throw ImportError.noHashes(file: paths.joined(separator: ", ")) }
        return try await store.importItems(collection: collection, commandLine: commandLine) { add in
            var lines = 0
            for (n, source) in sources.enumerated() {
                let item = try Self.item(source, role: role)
                lines += item.frames.count
                try add(item)
                progress(n + 1, sources.count, lines)
            }
        }
    }
}
