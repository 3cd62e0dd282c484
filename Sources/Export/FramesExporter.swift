import Foundation
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

    /// The vPDQ file name for a relative path: `/` becomes `__`, `.txt` is appended.
    public static func vpdqFileName(relativePath: String) -> String {
        relativePath.replacingOccurrences(of: "/", with: "__") + ".txt"
    }

    /// Writes `<relative path with / replaced by __>.txt` per done video into `directory`
    /// (created if needed); with several collections each gets a sub-folder of its name.
    /// Returns the files written.
    @discardableResult
    public func writeVPDQ(collection: String? = nil, directory: String) async throws -> [String] {
        let fm = FileManager.default
        try fm.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let files = try await store.files(collection: collection).filter { $0.state == .done }
        let collections = Set(files.map(\.collection))
        var written: [String] = []
        for file in files {
            var folder = directory
            if collections.count > 1 {
                folder += "/" + file.collection.replacingOccurrences(of: "/", with: "__")
                try fm.createDirectory(atPath: folder, withIntermediateDirectories: true)
            }
            let target = folder + "/" + Self.vpdqFileName(relativePath: file.relativePath)
            var text = ""
            for frame in try await store.frames(fileID: file.id) { text += frame.frameHash.vpdqLine + "\n" }
            guard fm.createFile(atPath: target, contents: Data(text.utf8)) else {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: target])
            }
            written.append(target)
        }
        return written
    }
}
