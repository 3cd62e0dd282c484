import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import KeyprintModel
import KeyprintStore

/// Writes stored frames out of the case database: one CSV of every frame, or one vPDQ text
/// file per video for exchange with ThreatExchange's tools.
public struct FramesExporter {
    public let store: any CaseStore

    public init(store: any CaseStore) { self.store = store }

    public static let csvHeader = ["path", "timestamp_s", "quality", "pdq_hex"]

    /// `path,timestamp_s,quality,pdq_hex`, one row per stored frame, ordered by path then
    /// frame. Returns the number of rows.
    @discardableResult
    public func writeCSV(collection: String? = nil, to sink: @escaping (String) throws -> Void) async throws -> Int {
        var writer = CSVWriter(sink: sink)
        try writer.writeHeader(Self.csvHeader)
        var rows = 0
        try await store.forEachFrame(collection: collection) { file, frame in
            try writer.writeRow([.text(file.path), .number(format3(frame.timestamp)), .number(String(frame.quality)),
                                 .number(frame.hash.hex)])
            rows += 1
        }
        try writer.flush()
        return rows
    }

    /// The longest file name most file systems take (ext4, XFS, APFS, tmpfs: 255 bytes).
    public static let maxFileNameBytes = 255

    /// The vPDQ file name for a relative path: `/` becomes `__`, `.txt` is appended. A name
    /// that would be longer than 255 bytes keeps as much of its start as fits, then `~` and
    /// 16 hex digits of the FNV-1a hash of the whole relative path, then `.txt`: still
    /// readable, still one name per path.
    public static func vpdqFileName(relativePath: String) -> String {
        safeFileName(relativePath, suffix: ".txt")
    }

    /// `text` as one file name ending in `suffix`: `/` becomes `__`, NUL `_`, `.` and `..`
    /// get a leading `_`, and a name over 255 bytes is shortened as `vpdqFileName` says.
    /// With `tagged`, the hash is added whatever the length (for a name already taken by
    /// another path: `a/b.mp4` and `a__b.mp4`).
    public static func safeFileName(_ text: String, suffix: String = "", tagged: Bool = false) -> String {
        var flat = text.replacingOccurrences(of: "/", with: "__").replacingOccurrences(of: "\0", with: "_")
        if flat.isEmpty || flat == "." || flat == ".." { flat = "_" + flat }
        let whole = flat + suffix
        if !tagged, whole.utf8.count <= maxFileNameBytes { return whole }
        let tag = "~" + fnv1a64Hex(text)
        let room = maxFileNameBytes - tag.utf8.count - suffix.utf8.count
        var prefix = "", used = 0
        for character in flat {
            let size = character.utf8.count
            if used + size > room { break }
            prefix.append(character)
            used += size
        }
        return prefix + tag + suffix
    }

    /// The 64-bit FNV-1a hash of the UTF-8 bytes, as 16 lower-case hex digits.
    static func fnv1a64Hex(_ text: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// Writes `<relative path with / replaced by __>.txt` per done video into `directory`
    /// (created if needed, with its parents; it should be a real path,
    /// `EvidencePaths.resolveOutputFolder`); with several collections each gets a sub-folder
    /// of its name. Each file is written atomically (`AtomicFile`), and only over a regular
    /// file; a sub-folder that exists must be a folder, not a link. Returns the files written.
    @discardableResult
    public func writeVPDQ(collection: String? = nil, directory: String) async throws -> [String] {
        try Self.makeFolder(directory, withParents: true)
        let files = try await store.files(collection: collection).filter { $0.state == .done }
        let collections = Set(files.map(\.collection))
        var written: [String] = []
        var taken = Set<String>()
        for file in files {
            var folder = directory
            if collections.count > 1 {
                folder += "/" + Self.safeFileName(file.collection)
                try Self.makeFolder(folder, withParents: false)
            }
            var text = ""
            for frame in try await store.frames(fileID: file.id) { text += frame.frameHash.vpdqLine + "\n" }
            var name = Self.vpdqFileName(relativePath: file.relativePath)
            if taken.contains(folder + "/" + name) { name = Self.safeFileName(file.relativePath, suffix: ".txt", tagged: true) }
            taken.insert(folder + "/" + name)
            let output = try AtomicFile(folder: folder, name: name)
            try output.write(text)
            try output.commit()
            written.append(output.path)
        }
        return written
    }

    /// Creates a folder, or checks that the one there is a folder and not a symbolic link.
    public static func makeFolder(_ path: String, withParents: Bool) throws(ExportError) {
        var info = stat()
        if lstat(path, &info) == 0 {
            if info.st_mode & S_IFMT != S_IFDIR { throw .notAFolder(path: path) }
            return
        }
        if withParents {
            var prefix = ""
            for part in path.split(separator: "/", omittingEmptySubsequences: true) {
                prefix += "/" + part
                if mkdir(prefix, 0o777) != 0 && errno != EEXIST { throw .io(path: prefix, operation: "mkdir", code: errno) }
            }
        } else if mkdir(path, 0o777) != 0 && errno != EEXIST {
            throw .io(path: path, operation: "mkdir", code: errno)
        }
        if lstat(path, &info) != 0 || info.st_mode & S_IFMT != S_IFDIR { throw .notAFolder(path: path) }
    }
}
