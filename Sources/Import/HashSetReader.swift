import KeyprintModel

/// Reads a hash set, streaming: VICS JSON (data models 1.2, 1.3, 2.0), ICSE's `;` CSV or plain
/// CSV, recognised by its first bytes (`{`: JSON; otherwise a CSV header, `;`-separated for
/// ICSE). Each record is handed to `body` as it is read; memory stays that of one chunk and
/// one record. An unknown data model or a header without a hash column is an error, never a
/// guess; a record without a digest, or with a digest that is not hex of the right length, is
/// an error naming its line.
public enum HashSetReader {
    /// The VICS data-model URLs (`odata.metadata` / `@odata.context`).
    public static let dataModels: [String: HashSetFormat] = [
        "http://github.com/ICMEC/ProjectVic/DataModels/1.2.xml#Media": .vics12,
        "http://github.com/ICMEC/ProjectVic/DataModels/1.3.xml#Media": .vics13,
        "http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/Default/$metadata#Media": .vics20,
    ]

    /// Reads the document `more` yields chunk by chunk (nil at its end). Returns its format.
    public static func read(file: String, more: @escaping () throws -> [UInt8]?,
                            _ body: (HashSetRecord) throws -> Void) throws -> HashSetFormat {
        // Look at the first non-space byte (after a UTF-8 byte-order mark) without losing it.
        var first: [UInt8] = []
        let space: Set<UInt8> = [0x20, 0x0A, 0x0D, 0x09]
        while first.count < 3 || first.dropFirst(3).allSatisfy({ space.contains($0) }) {
            guard let chunk = try more() else { break }
            first += chunk
        }
        if first.starts(with: [0xEF, 0xBB, 0xBF]) { first.removeFirst(3) }
        var pending: [UInt8]? = first
        let replay: () throws -> [UInt8]? = {
            if let p = pending { pending = nil; return p }
            return try more()
        }
        guard let start = first.first(where: { !space.contains($0) }) else {
            throw ImportError.noHashes(file: file)
        }
        if start == UInt8(ascii: "{") { return try readVICS(file: file, more: replay, body) }
        return try readCSV(file: file, more: replay, body)
    }

    // MARK: VICS JSON

    static func readVICS(file: String, more: @escaping () throws -> [UInt8]?, _ body: (HashSetRecord) throws -> Void) throws -> HashSetFormat {
        var json = JSONPullParser(file: file, more: more)
        guard try json.next() == .objectStart else { throw ImportError.unknownFormat(file: file, reason: "a VICS document is a JSON object") }
        var format: HashSetFormat?
        var records = 0
        func model(_ url: String, line: Int) throws -> HashSetFormat {
            guard let known = dataModels[url] else {
                throw ImportError.unknownFormat(file: file, reason: "unknown VICS data model \(String(reflecting: String(url.prefix(200)))) "
                    + "(known: \(dataModels.keys.sorted().joined(separator: ", ")))")
            }
            return known
        }
        while let event = try json.next(), event != .objectEnd {
            guard case .key(let key) = event else { continue }
            let line = json.line
            let value = try json.next()
            switch (key, value) {
            case ("odata.metadata", .string(let url)?), ("@odata.context", .string(let url)?):
                format = try model(url, line: line)
            case ("value", .arrayStart?):
                while let item = try json.next(), item != .arrayEnd {
                    guard item == .objectStart else { throw ImportError.malformedLine(file: file, line: json.line, reason: "a Media record is not a JSON object") }
                    records += 1
                    try mediaRecords(&json, file: file, number: records, body)
                }
            case (_, let v?):
                try json.skip(after: v)
            default:
                break
            }
        }
        guard try json.next() == nil else { throw ImportError.malformedLine(file: file, line: json.line, reason: "more after the end of the JSON document") }
        guard let format else {
            throw ImportError.unknownFormat(file: file, reason: "no VICS data model (an odata.metadata or @odata.context key); not guessed")
        }
        return format
    }

    /// The fields of a Media object (or of one of its nested file objects) that a record keeps,
    /// as written; a later duplicate key wins, null leaves a field as it was.
    struct MediaFields {
        var md5: String?, sha1: String?, sha256: String?
        var category: String?, mediaID: String?, series: String?

        /// A digest field that is not empty (white space only reads as none).
        var hasDigest: Bool {
            func given(_ s: String?) -> Bool { s?.utf8.contains { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D && $0 != 0x0A } ?? false }
            return given(md5) || given(sha1) || given(sha256)
        }

        /// The scalar value of `key` kept, or the value skipped; true when the key names a nested
        /// array of files (`MediaFiles`, `Files`), left for the caller.
        mutating func read(_ key: String, _ json: inout JSONPullParser, digestsOnly: Bool) throws -> Bool {
            switch Field(key) {
            case .md5?: md5 = try Self.scalar(&json) ?? md5
            case .sha1?: sha1 = try Self.scalar(&json) ?? sha1
            case .sha256?: sha256 = try Self.scalar(&json) ?? sha256
            case .category? where !digestsOnly: category = try Self.scalar(&json) ?? category
            case .mediaID? where !digestsOnly: mediaID = try Self.scalar(&json) ?? mediaID
            case .series? where !digestsOnly: series = try Self.scalar(&json) ?? series
            case .files? where !digestsOnly: return true
            default: try json.skipValue()
            }
            return false
        }

        /// The keys a record keeps, in any case: compared on their bytes (a million records have
        /// seven keys each; lower-casing each into a new String was a tenth of an import).
        enum Field {
            case md5, sha1, sha256, category, mediaID, series, files

            init?(_ key: String) {
                var key = key
                guard let field = key.withUTF8({ Self.named($0) }) else { return nil }
                self = field
            }

            static func named(_ b: UnsafeBufferPointer<UInt8>) -> Field? {
                // ASCII letters lower-cased by their 0x20 bit; digits have it already. A byte that
                // only looks like a letter that way is a control character, which JSON keys lack.
                func spells(_ name: StaticString) -> Bool {
                    guard b.count == name.utf8CodeUnitCount else { return false }
                    let n = name.utf8Start
                    for i in 0..<b.count where b[i] | 0x20 != n[i] { return false }
                    return true
                }
                switch b.count {
                case 3: return spells("md5") ? .md5 : nil
                case 4: return spells("sha1") ? .sha1 : nil
                case 5: return spells("files") ? .files : nil
                case 6: return spells("sha256") ? .sha256 : spells("series") ? .series : nil
                case 7: return spells("mediaid") ? .mediaID : nil
                case 8: return spells("category") ? .category : nil
                case 10: return spells("mediafiles") ? .files : nil
                default: return nil
                }
            }
        }

        /// A string, number or boolean as text; nil for null; a nested value is skipped (nil).
        static func scalar(_ json: inout JSONPullParser) throws -> String? {
            guard let value = try json.next() else { return nil }
            switch value {
            case .string(let s), .number(let s): return s
            case .bool(let b): return b ? "true" : "false"
            case .null: return nil
            default: try json.skip(after: value); return nil
            }
        }
    }

    /// The rest of one Media object: its scalar fields; other nested values are skipped. Its
    /// digests are the record's own; when it has none, each object of its nested `MediaFiles`
    /// or `Files` array with a digest is a record of its own (VICS 2.0 exports keep the hashes
    /// of a media item's files there), with the item's category, id and series.
    static func mediaRecords(_ json: inout JSONPullParser, file: String, number: Int, _ body: (HashSetRecord) throws -> Void) throws {
        var fields = MediaFields()
        var nested: [MediaFields] = []
        let startLine = json.line
        while let event = try json.next(), event != .objectEnd {
            guard case .key(let key) = event else { continue }
            guard try fields.read(key, &json, digestsOnly: false) else { continue }
            guard let value = try json.next() else { break }
            guard value == .arrayStart else { try json.skip(after: value); continue }
            while let item = try json.next(), item != .arrayEnd {
                guard item == .objectStart else { try json.skip(after: item); continue }
                var inner = MediaFields()
                while let e = try json.next(), e != .objectEnd {
                    guard case .key(let k) = e else { continue }
                    _ = try inner.read(k, &json, digestsOnly: true)
                }
                if inner.hasDigest { nested.append(inner) }
            }
        }
        let digests = fields.hasDigest ? [fields] : nested
        guard !digests.isEmpty else {
            throw ImportError.malformedLine(file: file, line: startLine, reason: "Media record \(number) has no MD5, SHA1 or SHA256")
        }
        for d in digests {
            var record: HashSetRecord
            do {
                record = HashSetRecord(md5: try HashSetRecord.digest(d.md5, length: 32, name: "MD5"),
                                       sha1: try HashSetRecord.digest(d.sha1, length: 40, name: "SHA1"),
                                       sha256: try HashSetRecord.digest(d.sha256, length: 64, name: "SHA256"))
            } catch {
                throw ImportError.malformedLine(file: file, line: startLine, reason: "Media record \(number): \(error.reason)")
            }
            guard record.md5 != nil || record.sha1 != nil || record.sha256 != nil else {
                throw ImportError.malformedLine(file: file, line: startLine, reason: "Media record \(number) has no MD5, SHA1 or SHA256")
            }
            record.category = fields.category
            record.mediaID = fields.mediaID
            record.note = fields.series.map { "series " + $0 }
            try body(record)
        }
    }

    // MARK: CSV

    /// A header line naming md5, sha1 and/or sha256 (any case), optional category and note
    /// (ICSE: also `MediaID`/`id`); `;` in the header: ICSE's export, else `,`. Fields may be
    /// quoted ("" inside quotes is one quote); a record is one line.
    static func readCSV(file: String, more: @escaping () throws -> [UInt8]?, _ body: (HashSetRecord) throws -> Void) throws -> HashSetFormat {
        var lines = LineReader(more: more)
        var lineNumber = 0
        var header: [String] = []
        while header.isEmpty, let line = try lines.next() {
            lineNumber += 1
            if !line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) {
                header = try fields(line, separator: line.contains(UInt8(ascii: ";")) ? UInt8(ascii: ";") : UInt8(ascii: ","), file: file, line: lineNumber)
                    .map { $0.trimmingSpaces.lowercased() }
                let format: HashSetFormat = line.contains(UInt8(ascii: ";")) ? .icseCSV : .csv
                return try readCSVRows(header: header, format: format, lines: &lines, lineNumber: lineNumber, file: file, body)
            }
        }
        throw ImportError.noHashes(file: file)
    }

    static func readCSVRows(header: [String], format: HashSetFormat, lines: inout LineReader, lineNumber start: Int, file: String,
                            _ body: (HashSetRecord) throws -> Void) throws -> HashSetFormat {
        let separator = format == .icseCSV ? UInt8(ascii: ";") : UInt8(ascii: ",")
        func column(_ names: String...) -> Int? { header.firstIndex { names.contains($0) } }
        let md5 = column("md5"), sha1 = column("sha1", "sha-1"), sha256 = column("sha256", "sha-256")
        let category = column("category"), note = column("note", "notes", "comment"), id = column("mediaid", "media id", "id")
        guard md5 != nil || sha1 != nil || sha256 != nil else {
            throw ImportError.unknownFormat(file: file, reason: "the header line names no md5, sha1 or sha256 column (found: \(header.prefix(12).joined(separator: ", ")))")
        }
        var lineNumber = start
        while let line = try lines.next() {
            lineNumber += 1
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
            let cells = try fields(line, separator: separator, file: file, line: lineNumber)
            func cell(_ i: Int?) -> String? { i.flatMap { $0 < cells.count ? cells[$0] : nil } }
            var record: HashSetRecord
            do {
                record = HashSetRecord(md5: try HashSetRecord.digest(cell(md5), length: 32, name: "md5"),
                                       sha1: try HashSetRecord.digest(cell(sha1), length: 40, name: "sha1"),
                                       sha256: try HashSetRecord.digest(cell(sha256), length: 64, name: "sha256"))
            } catch {
                throw ImportError.malformedLine(file: file, line: lineNumber, reason: error.reason)
            }
            guard record.md5 != nil || record.sha1 != nil || record.sha256 != nil else {
                throw ImportError.malformedLine(file: file, line: lineNumber, reason: "no md5, sha1 or sha256 value")
            }
            record.category = cell(category).flatMap { $0.isEmpty ? nil : $0 }
            record.note = cell(note).flatMap { $0.isEmpty ? nil : $0 }
            record.mediaID = cell(id).flatMap { $0.isEmpty ? nil : $0 }
            try body(record)
        }
        return format
    }

    /// One CSV line's fields (without its CR).
    static func fields(_ line: [UInt8], separator: UInt8, file: String, line number: Int) throws -> [String] {
        var out: [String] = []
        var field: [UInt8] = []
        var i = 0
        var quoted = false
        var end = line.count
        if end > 0 && line[end - 1] == 0x0D { end -= 1 }
        while i < end {
            let c = line[i]
            if quoted {
                if c == UInt8(ascii: "\"") {
                    if i + 1 < end && line[i + 1] == UInt8(ascii: "\"") { field.append(c); i += 1 } else { quoted = false }
                } else {
                    field.append(c)
                }
            } else if c == UInt8(ascii: "\"") && field.isEmpty {
                quoted = true
            } else if c == separator {
                out.append(String(decoding: field, as: UTF8.self)); field.removeAll(keepingCapacity: true)
            } else {
                field.append(c)
            }
            i += 1
        }
        if quoted { throw ImportError.malformedLine(file: file, line: number, reason: "a quoted field is not closed on its line") }
        out.append(String(decoding: field, as: UTF8.self))
        return out
    }
}

/// Lines of a document read chunk by chunk.
struct LineReader {
    let more: () throws -> [UInt8]?
    var buffer: [UInt8] = []
    var position = 0
    var finished = false

    init(more: @escaping () throws -> [UInt8]?) { self.more = more }

    /// The next line without its LF; nil at the end.
    mutating func next() throws -> [UInt8]? {
        var line: [UInt8] = []
        while true {
            if position >= buffer.count {
                if finished { return line.isEmpty ? nil : line }
                guard let chunk = try more() else { finished = true; continue }
                buffer = chunk; position = 0
                continue
            }
            if let nl = buffer[position...].firstIndex(of: 0x0A) {
                line += buffer[position..<nl]
                position = nl + 1
                return line
            }
            line += buffer[position...]
            position = buffer.count
        }
    }
}
