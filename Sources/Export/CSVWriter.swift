import KeyprintStore

/// Writes RFC 4180 CSV: fields separated by commas, rows ended by CRLF, a field quoted when
/// it holds a comma, quote, CR or LF (quotes doubled). Text cells that a spreadsheet would
/// run as a formula (starting with = + - @ tab or CR) get a leading apostrophe; numbers we
/// format ourselves are written as they are. The one CSV encoder of Keyprint: the frames
/// export and the match timeline both use it.
///
/// Evidence file names are attacker-controlled: a file called `=HYPERLINK(…).mp4` must not run
/// when an examiner opens a CSV in a spreadsheet, hence the apostrophe (OWASP's CSV-injection
/// advice), applied before quoting.
public struct CSVWriter {
    public enum Cell: Sendable, Equatable {
        /// Free text (paths, names, errors): quoted and neutralised as needed.
        case text(String)
        /// A number Keyprint formatted itself: written unchanged.
        case number(String)
    }

    private var buffer = ""
    private let flushThreshold: Int
    private let sink: (String) throws -> Void

    /// `sink` receives the text in pieces; call `flush()` at the end.
    public init(flushThreshold: Int = 1 << 16, sink: @escaping (String) throws -> Void) {
        self.flushThreshold = flushThreshold
        self.sink = sink
    }

    public mutating func writeRow(_ cells: [Cell]) throws {
        buffer += Self.row(cells)
        if buffer.utf8.count >= flushThreshold { try flush() }
    }

    public mutating func writeHeader(_ names: [String]) throws {
        try writeRow(names.map { .text($0) })
    }

    public mutating func flush() throws {
        if !buffer.isEmpty { try sink(buffer); buffer = "" }
    }

    public static func row(_ cells: [Cell]) -> String {
        cells.map(field).joined(separator: ",") + "\r\n"
    }

    public static func field(_ cell: Cell) -> String {
        switch cell {
        case .number(let text): return quoteIfNeeded(text)
        case .text(let text): return quoteIfNeeded(neutralised(text))
        }
    }

    /// Prefixes an apostrophe to text a spreadsheet would evaluate as a formula.
    public static func neutralised(_ text: String) -> String {
        guard let first = text.unicodeScalars.first else { return text }
        return "=+-@\t\r".unicodeScalars.contains(first) ? "'" + text : text
    }

    public static func quoteIfNeeded(_ text: String) -> String {
        let needs = text.utf8.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 0x0A || $0 == 0x0D }
        guard needs else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
