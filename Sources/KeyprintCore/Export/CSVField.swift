/// One CSV cell, made safe for spreadsheets and RFC 4180 readers.
///
/// Evidence file names are attacker-controlled: a file called `=HYPERLINK(…).mp4` must not run
/// when an examiner opens the timeline in a spreadsheet. So a cell starting with `=`, `+`, `-`,
/// `@`, tab or carriage return gets a leading apostrophe (OWASP's CSV-injection advice), and then
/// a cell holding a comma, double quote, CR or LF is wrapped in double quotes with inner quotes
/// doubled (RFC 4180 §2).
enum CSVField {
    static let formulaStarts: Set<Character> = ["=", "+", "-", "@", "\t", "\r"]

    /// The cell with a leading apostrophe when a spreadsheet would treat it as a formula.
    static func neutralised(_ value: String) -> String {
        guard let first = value.unicodeScalars.first, formulaStarts.contains(Character(first)) else { return value }
        return "'" + value
    }

    /// The cell quoted per RFC 4180 when it needs to be.
    static func quoted(_ value: String) -> String {
        let needsQuotes = value.unicodeScalars.contains { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" }
        guard needsQuotes else { return value }
        return "\"" + value.replacingAll("\"", with: "\"\"") + "\""
    }

    /// Neutralised, then quoted: what goes between the commas.
    static func encode(_ value: String) -> String { quoted(neutralised(value)) }

    /// One record: encoded cells joined by commas, ended by CRLF (RFC 4180).
    static func record(_ cells: [String]) -> String {
        cells.map(encode).joined(separator: ",") + "\r\n"
    }
}

extension String {
    fileprivate func replacingAll(_ target: Character, with replacement: String) -> String {
        var out = ""
        out.reserveCapacity(count)
        for c in self { if c == target { out += replacement } else { out.append(c) } }
        return out
    }
}
