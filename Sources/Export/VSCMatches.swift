import Foundation
import KeyprintModel

/// The matching-track CSV of Meta's Video Similarity Challenge (VSC22), which its tools and
/// metric read: `query_id,ref_id,query_start,query_end,ref_start,ref_end,score`, seconds. A
/// video's id is its file name without the extension (VSC's ids are file stems, `Q100001`); an
/// imported item's is its hash file's stem. Known-file rows are not matches and are left out.
public enum VSCMatches {
    public static let columns = ["query_id", "ref_id", "query_start", "query_end", "ref_start", "ref_end", "score"]

    /// The header line, CRLF-terminated.
    public static var header: String { CSVWriter.row(columns.map { .text($0) }) }

    /// One row's line; nil for a known-file row (not a match).
    public static func line(_ row: TimelineRow) -> String? {
        guard row.knownFile == nil else { return nil }
        let s = row.segment
        return CSVWriter.row([.text(id(row.query.path)), .text(id(row.reference.path)), .number(format3(s.queryStart)),
                              .number(format3(s.queryEnd)), .number(format3(s.referenceStart)), .number(format3(s.referenceEnd)),
                              .number(format3(s.score))])
    }

    public static func document(_ rows: [TimelineRow]) -> String {
        var out = header
        for row in rows { if let line = line(row) { out += line } }
        return out
    }

    /// The file name without its last extension ("hashes from " dropped).
    static func id(_ path: String) -> String {
        let plain = path.hasPrefix("hashes from ") ? String(path.dropFirst("hashes from ".count)) : path
        let name = plain.split(separator: "/").last.map(String.init) ?? plain
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return name }
        return String(name[..<dot])
    }
}
