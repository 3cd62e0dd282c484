import Foundation
import KeyprintModel
import KeyprintStore

/// One file of a timeline row: where it is and which bytes it was.
public struct TimelineFile: Sendable, Equatable {
    /// The scanned folder joined with the file's relative path.
    public var path: String
    public var collection: String
    /// Relative to the collection's evidence folder.
    public var relativePath: String
    /// Seconds, from the media facts; nil when unknown.
    public var duration: Double?
    public var md5: String
    public var sha1: String
    public var sha256: String

    public init(path: String, collection: String, relativePath: String, duration: Double?, md5: String, sha1: String, sha256: String) {
        self.path = path; self.collection = collection; self.relativePath = relativePath
        self.duration = duration; self.md5 = md5; self.sha1 = sha1; self.sha256 = sha256
    }

    public init(_ file: StoredFile) {
        self.init(path: file.displayPath, collection: file.collection, relativePath: file.relativePath, duration: file.media?.duration,
                  md5: file.digests?.md5 ?? "", sha1: file.digests?.sha1 ?? "", sha256: file.digests?.sha256 ?? "")
    }
}

/// One row of the examiner's timeline: a matched segment with the facts about both files and
/// the run and settings that produced it. The exporter fills this; the writer only formats.
/// Another kind of row (a known-file hit, say) fills the same fields: `reference` is then the
/// known file, and `segment` its span.
public struct TimelineRow: Sendable, Equatable {
    public var query: TimelineFile
    public var reference: TimelineFile
    public var segment: MatchSegment
    /// The query container's creation time, when it has one.
    public var queryCreationTime: Date?
    /// The query file's modification time (the fallback for `datetime`).
    public var queryModificationTime: Date
    /// The match run that stored the segment, and its comparison ("samples against samples",
    /// "all against all").
    public var matchRunID: Int64
    public var comparison: String
    public var thresholdBits: Int
    public var minDuration: Double
    /// How frames were sampled, e.g. "every 1 s", "keyframes", "all frames".
    public var sampling: String
    /// The third file a derived segment goes through (`MatchSegment.via`).
    public var via: TimelineFile?
    public var keyprintVersion: String
    /// For a known-file row (the query file's digest is in a hash set): the hash set's
    /// collection, the digest that matched and the set's category. nil for a matched segment.
    public var knownFile: KnownFileNote? = nil

    public init(query: TimelineFile, reference: TimelineFile, segment: MatchSegment, queryCreationTime: Date?,
                queryModificationTime: Date, matchRunID: Int64, comparison: String, thresholdBits: Int, minDuration: Double,
                sampling: String, via: TimelineFile? = nil, keyprintVersion: String = KeyprintVersion.string) {
        self.query = query
        self.reference = reference
        self.segment = segment
        self.queryCreationTime = queryCreationTime
        self.queryModificationTime = queryModificationTime
        self.matchRunID = matchRunID
        self.comparison = comparison
        self.thresholdBits = thresholdBits
        self.minDuration = minDuration
        self.sampling = sampling
        self.via = via
        self.keyprintVersion = keyprintVersion
    }
}

/// What a known-file timeline row says: the hash set's collection, the digest that matched
/// (md5, sha1, sha256) and the set's category, as given.
public struct KnownFileNote: Sendable, Equatable {
    public var hashSet: String
    public var matchedBy: String
    public var category: String?

    public init(hashSet: String, matchedBy: String, category: String?) {
        self.hashSet = hashSet; self.matchedBy = matchedBy; self.category = category
    }
}

/// The match timeline CSV: one row per matched segment, importable into Timesketch as is
/// (its mandatory `message`, `datetime` (ISO 8601) and `timestamp_desc` come first).
public enum TimelineCSV {
    public static let columns = [
        "message", "datetime", "timestamp_desc",
        "query_path", "query_start_s", "query_end_s",
        "reference_path", "reference_start_s", "reference_end_s",
        "score", "matched_frames", "mean_distance", "transform",
        "query_collection", "query_relative_path", "query_duration_s", "query_md5", "query_sha1", "query_sha256",
        "reference_collection", "reference_relative_path", "reference_duration_s", "reference_md5", "reference_sha1", "reference_sha256",
        "match_run_id", "comparison", "threshold_bits", "min_duration_s", "sampling", "speed", "linked_via", "keyprint_version",
    ]

    public static let creationTimeDescription = "Query start (container creation time + offset)"
    public static let modificationTimeDescription = "Query start (file modification time + offset)"
    /// `timestamp_desc` of a known-file row.
    public static let knownFileDescription = "known file"

    /// Columns holding numbers Keyprint formats itself (written as they are); every other
    /// cell is text and is neutralised against spreadsheet formulas.
    public static let numericColumns: Set<String> = [
        "query_start_s", "query_end_s", "reference_start_s", "reference_end_s", "score", "matched_frames",
        "mean_distance", "query_duration_s", "reference_duration_s", "match_run_id", "threshold_bits", "min_duration_s", "speed",
    ]

    /// The header line, CRLF-terminated.
    public static var header: String { CSVWriter.row(columns.map { .text($0) }) }

    /// One row's line, CRLF-terminated (`CSVWriter`'s RFC 4180 encoding; text cells neutralised
    /// against spreadsheet formulas).
    public static func line(_ row: TimelineRow) -> String {
        CSVWriter.row(zip(columns, cells(row)).map { numericColumns.contains($0) ? .number($1) : .text($1) })
    }

    /// The header line and one line per row.
    public static func document(_ rows: [TimelineRow]) -> String {
        var out = header
        for row in rows { out += line(row) }
        return out
    }

    /// Writes `document(rows)` to `url` atomically (a partial file never appears; only a
    /// regular file or a new path is replaced, see `AtomicFile`).
    public static func write(_ rows: [TimelineRow], to url: URL) throws {
        let folder = url.deletingLastPathComponent().path
        guard let real = realpath(folder, nil) else { throw ExportError.io(path: url.path, operation: "realpath", code: errno) }
        defer { free(real) }
        try AtomicFile.write(document(rows), folder: String(cString: real), name: url.lastPathComponent)
    }

    /// The row's cells in `columns` order, before CSV encoding.
    public static func cells(_ row: TimelineRow) -> [String] {
        let s = row.segment
        let base = row.queryCreationTime ?? row.queryModificationTime
        let description = row.knownFile != nil ? knownFileDescription
            : row.queryCreationTime == nil ? modificationTimeDescription : creationTimeDescription
        let q = row.query, r = row.reference
        return [
            message(row),
            iso8601(base.timeIntervalSince1970 + s.queryStart),
            description,
            q.path, format3(s.queryStart), format3(s.queryEnd),
            r.path, format3(s.referenceStart), format3(s.referenceEnd),
            format3(s.score), String(s.matchedFrames), format3(s.meanDistance), s.transform.rawValue,
            q.collection, q.relativePath, q.duration.map(format3) ?? "", q.md5, q.sha1, q.sha256,
            r.collection, r.relativePath, r.duration.map(format3) ?? "", r.md5, r.sha1, r.sha256,
            row.knownFile == nil ? String(row.matchRunID) : "", row.comparison,
            String(row.thresholdBits), format3(row.minDuration), row.sampling, format3(s.slope), row.via?.path ?? "", row.keyprintVersion,
        ]
    }

    /// "q.mp4 00:00:03.0–00:00:25.0 matches r.mp4 00:00:03.0–00:00:25.0 (mirror)": times to the
    /// tenth of a second, rounded from the numeric columns' millisecond values so that both
    /// agree; the transform is named only when one was needed, the speed only when it is not 1×.
    public static func message(_ row: TimelineRow) -> String {
        let s = row.segment
        if let known = row.knownFile {
            return "\(fileName(row.query.path)) is a known file: its \(known.matchedBy) is in hash set \(known.hashSet) "
                + "(\(fileName(row.reference.path))), category \(known.category ?? "(none)")"
        }
        var text = "\(fileName(row.query.path)) \(clock(s.queryStart))–\(clock(s.queryEnd)) matches "
            + "\(fileName(row.reference.path)) \(clock(s.referenceStart))–\(clock(s.referenceEnd))"
        var notes: [String] = []
        if s.transform != .none { notes.append(s.transform.rawValue) }
        if abs(s.slope - 1) >= 0.02 { notes.append("reference at \(format2(s.slope))× speed") }
        if let via = row.via { notes.append("derived: both match \(fileName(via.path))") }
        if !notes.isEmpty { text += " (" + notes.joined(separator: ", ") + ")" }
        return text
    }

    /// ISO 8601 UTC with milliseconds, e.g. 2024-05-01T12:00:03.000Z, computed without
    /// locale or calendar settings (days-to-civil conversion of the proleptic Gregorian calendar).
    public static func iso8601(_ secondsSince1970: Double) -> String {
        let millis = Int64((secondsSince1970 * 1000).rounded())
        let (daysSinceEpoch, msOfDay) = floorDivide(millis, 86_400_000)
        let (year, month, day) = civil(fromDays: daysSinceEpoch)
        let h = msOfDay / 3_600_000, m = msOfDay / 60_000 % 60, sec = msOfDay / 1000 % 60, ms = msOfDay % 1000
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(h, 2)):\(pad(m, 2)):\(pad(sec, 2)).\(pad(ms, 3))Z"
    }

    /// HH:MM:SS.s of a video time: its millisecond value (the numeric columns' three decimals)
    /// rounded to the tenth, halves up.
    static func clock(_ seconds: Double) -> String {
        let millis = Int64((max(0, seconds) * 1000).rounded())
        let tenths = (millis + 50) / 100
        let total = tenths / 10
        return "\(pad(total / 3600, 2)):\(pad(total / 60 % 60, 2)):\(pad(total % 60, 2)).\(tenths % 10)"
    }

    /// The last component of a path; "hashes from NAME" for an imported item's
    /// "hashes from PATH" (`StoredFile.displayPath`).
    private static func fileName(_ path: String) -> String {
        if path.hasPrefix("hashes from ") { return "hashes from " + fileName(String(path.dropFirst("hashes from ".count))) }
        return path.split(separator: "/", omittingEmptySubsequences: true).last.map(String.init) ?? path
    }

    private static func format2(_ value: Double) -> String {
        let hundredths = Int64((value * 100).rounded())
        let frac = String(hundredths % 100)
        return String(hundredths / 100) + "." + String(repeating: "0", count: 2 - frac.count) + frac
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let s = String(value)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }

    private static func floorDivide(_ a: Int64, _ b: Int64) -> (Int64, Int64) {
        let q = a / b, r = a % b
        return r < 0 ? (q - 1, r + b) : (q, r)
    }

    /// Year, month, day of a day count from 1970-01-01 (Hinnant's civil_from_days algorithm).
    private static func civil(fromDays days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
