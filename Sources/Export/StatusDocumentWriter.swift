import Foundation
import KeyprintModel
import KeyprintStore

/// Writes `StatusDocument`'s JSON one file entry at a time, byte for byte what
/// `StatusDocument.json()` prints for the same files, without holding the document: memory is
/// one entry plus a bounded output buffer (flushed to `sink` whenever it holds
/// `flushBytes`), whatever the number of files (issue 15 item 4).
public struct StatusDocumentWriter {
    private let sink: (String) throws -> Void
    private let encoder: JSONEncoder
    private var buffer = ""
    private var entries = 0
    private var finished = false
    /// Output buffered before it goes to the sink.
    public static let flushBytes = 64 * 1024

    public init(sink: @escaping (String) throws -> Void) {
        self.sink = sink
        encoder = JSONEncoder()
        encoder.outputFormatting = StatusDocument.outputFormatting
    }

    /// Appends one file's entry.
    public mutating func append(_ file: StoredFile) throws {
        precondition(!finished, "the document is finished")
        let entry = String(decoding: try encoder.encode(StatusDocument.Entry(file)), as: UTF8.self)
        buffer += entries == 0 ? "{\n  \"files\" : [\n" : ",\n"
        // An entry printed alone, indented to its depth inside {"files": […]}.
        var first = true
        for line in entry.split(separator: "\n", omittingEmptySubsequences: false) {
            if !first { buffer += "\n" }
            buffer += "    "
            buffer += line
            first = false
        }
        entries += 1
        if buffer.utf8.count >= Self.flushBytes { try flush() }
    }

    /// Closes the document (with its `known_files` part made of `hashSets` and their hits) and
    /// hands everything left to the sink.
    public mutating func finish(hashSets: [StoredHashSet] = [], knownFileHits: [KnownFileHit] = []) throws {
        precondition(!finished, "the document is finished")
        finished = true
        // The document of no file with the same known files: its text after the empty file list
        // is what follows the list of entries.
        let empty = try StatusDocument(files: [], hashSets: hashSets, knownFileHits: knownFileHits).json()
        let emptyList = "\"files\" : [\n\n  ]"
        if entries == 0 {
            buffer += empty
        } else if let range = empty.range(of: emptyList) {
            buffer += "\n  ]" + empty[range.upperBound...]
        } else {
            buffer += "\n  ]\n}"
        }
        if !buffer.hasSuffix("\n") { buffer += "\n" }
        try flush()
    }

    private mutating func flush() throws {
        guard !buffer.isEmpty else { return }
        let out = buffer
        buffer = ""
        try sink(out)
    }
}

extension StatusDocument {
    static let outputFormatting: JSONEncoder.OutputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
}
