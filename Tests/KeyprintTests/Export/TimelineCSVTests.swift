import Foundation
import Testing
@testable import KeyprintModel
@testable import KeyprintDecode
@testable import KeyprintHash
@testable import KeyprintIndex
@testable import KeyprintMatch
@testable import KeyprintStore
@testable import KeyprintExport
@testable import KeyprintPipeline

@Suite struct TimelineCSVTests {
    /// A strict RFC 4180 reader, written for the test, to read back what the writer wrote.
    static func parse(_ text: String) -> [[String]] {
        var records: [[String]] = [], record: [String] = [], field = ""
        var inQuotes = false, afterQuote = false
        var chars = Array(text)[...]
        while let c = chars.popFirst() {
            if inQuotes {
                if c == "\"" {
                    if chars.first == "\"" { field.append("\""); chars.removeFirst() } else { inQuotes = false; afterQuote = true }
                } else { field.append(c) }
                continue
            }
            switch c {
            case "\"" where field.isEmpty && !afterQuote: inQuotes = true
            case ",": record.append(field); field = ""; afterQuote = false
            case "\r\n", "\n": record.append(field); records.append(record); record = []; field = ""; afterQuote = false
            default: field.append(c)
            }
        }
        if !field.isEmpty || !record.isEmpty { record.append(field); records.append(record) }
        return records
    }

    static let may1 = Date(timeIntervalSince1970: 1_714_564_800)  // 2024-05-01T12:00:00Z

    static func file(_ path: String, md5: String, sha1: String, sha256: String) -> TimelineFile {
        TimelineFile(path: path, collection: "in", relativePath: String(path.split(separator: "/").last ?? ""), duration: 25.04,
                     md5: md5, sha1: sha1, sha256: sha256)
    }

    static func row(query: String = "/case/in/call-a-mirror.mp4", reference: String = "/case/in/call-a.mp4",
                    creation: Date? = may1, start: Double = 3, transform: MatchTransform = .mirror) -> TimelineRow {
        let segment = MatchSegment(queryVideoID: 1, referenceVideoID: 2, queryStart: start, queryEnd: 25,
                                   referenceStart: 3, referenceEnd: 25, slope: 1, matchedFrames: 23,
                                   meanDistance: 7.5, score: 20.25, transform: transform)
        return TimelineRow(query: file(query, md5: "md5q", sha1: "sha1q", sha256: "shaq"),
                           reference: file(reference, md5: "md5r", sha1: "sha1r", sha256: "shar"),
                           segment: segment, queryCreationTime: creation,
                           queryModificationTime: Date(timeIntervalSince1970: 1_700_000_000), matchRunID: 4,
                           comparison: "all against all", thresholdBits: 31, minDuration: 3, sampling: "every 1 s",
                           keyprintVersion: "9.9.9")
    }

    @Test func headerStartsWithTheRequiredColumnsInOrder() async throws {
        let required = ["message", "datetime", "timestamp_desc", "query_path", "query_start_s", "query_end_s",
                        "reference_path", "reference_start_s", "reference_end_s", "score", "matched_frames",
                        "mean_distance", "transform"]
        let table = Self.parse(TimelineCSV.document([Self.row()]))
        let header = try #require(table.first)
        #expect(Array(header.prefix(required.count)) == required)
        #expect(header.contains("query_md5") && header.contains("reference_sha256") && header.contains("threshold_bits"))
        #expect(table.count == 2)
        #expect(table[1].count == header.count)
    }

    @Test func aDerivedSegmentNamesTheFileItGoesThrough() async throws {
        var row = Self.row(transform: .none)
        row.via = Self.file("/case/in/call-a.mp4", md5: "", sha1: "", sha256: "")
        row.reference.path = "/case/in/call-a-letterbox.mp4"
        let table = Self.parse(TimelineCSV.document([row, Self.row()]))
        let derived = Dictionary(uniqueKeysWithValues: zip(table[0], table[1]))
        let direct = Dictionary(uniqueKeysWithValues: zip(table[0], table[2]))
        #expect(derived["linked_via"] == "/case/in/call-a.mp4")
        #expect(derived["message"]?.hasSuffix("(derived: both match call-a.mp4)") == true)
        #expect(direct["linked_via"] == "")
    }

    @Test func rowCarriesTheSegment() async throws {
        let table = Self.parse(TimelineCSV.document([Self.row()]))
        let cells = Dictionary(uniqueKeysWithValues: zip(table[0], table[1]))
        #expect(cells["message"] == "call-a-mirror.mp4 00:00:03.0–00:00:25.0 matches call-a.mp4 00:00:03.0–00:00:25.0 (mirror)")
        #expect(cells["query_start_s"] == "3.000")
        #expect(cells["reference_end_s"] == "25.000")
        #expect(cells["matched_frames"] == "23")
        #expect(cells["mean_distance"] == "7.500")
        #expect(cells["score"] == "20.250")
        #expect(cells["transform"] == "mirror")
        #expect(cells["query_sha256"] == "shaq")
        #expect(cells["threshold_bits"] == "31")
        #expect(cells["query_sha1"] == "sha1q" && cells["reference_sha1"] == "sha1r")
        #expect(cells["query_collection"] == "in" && cells["query_relative_path"] == "call-a-mirror.mp4")
        #expect(cells["reference_relative_path"] == "call-a.mp4" && cells["reference_duration_s"] == "25.040")
        #expect(cells["match_run_id"] == "4" && cells["comparison"] == "all against all")
        #expect(cells["keyprint_version"] == "9.9.9")
        // Every file's digests sit together: MD5, SHA-1, SHA-256.
        let header = table[0]
        for side in ["query", "reference"] {
            let md5 = try #require(header.firstIndex(of: side + "_md5"))
            #expect(header[md5 + 1] == side + "_sha1" && header[md5 + 2] == side + "_sha256")
        }
    }

    /// The message's times are the numeric columns rounded to the tenth (halves up), however
    /// the binary value falls: 2.45 stored as 2.4499999 reads 2.450 and 00:00:02.5.
    @Test(arguments: [(2.4499999, "00:00:02.5"), (2.45, "00:00:02.5"), (2.44949, "00:00:02.4"), (59.96, "00:01:00.0"),
                      (3725.04, "01:02:05.0"), (0, "00:00:00.0"), (0.05, "00:00:00.1")])
    func messageTimesAgreeWithTheNumericColumns(seconds: Double, clock: String) throws {
        var r = Self.row(transform: .none)
        r.segment.queryStart = seconds
        let table = Self.parse(TimelineCSV.document([r]))
        let cells = Dictionary(uniqueKeysWithValues: zip(table[0], table[1]))
        #expect(cells["message"]?.hasPrefix("call-a-mirror.mp4 \(clock)–") == true, "\(cells["message"] ?? "")")
        let numeric = try #require(Double(cells["query_start_s"] ?? ""))
        let tenths = Int((numeric * 1000).rounded() + 50) / 100
        #expect(clock.hasSuffix(".\(tenths % 10)"))
    }

    @Test func datetimeUsesCreationTimePlusOffset() async throws {
        let cells = TimelineCSV.cells(Self.row(creation: Self.may1, start: 3.25))
        #expect(cells[1] == "2024-05-01T12:00:03.250Z")
        #expect(cells[2] == "Query start (container creation time + offset)")
    }

    @Test func datetimeFallsBackToModificationTime() async throws {
        let cells = TimelineCSV.cells(Self.row(creation: nil, start: 3))
        // 1_700_000_000 is 2023-11-14T22:13:20Z.
        #expect(cells[1] == "2023-11-14T22:13:23.000Z")
        #expect(cells[2] == "Query start (file modification time + offset)")
    }

    @Test(arguments: [-86_400.5, 0, 951_868_799.999, 4_102_444_800, 1_714_564_803.0004])
    func iso8601AgreesWithFoundation(seconds: Double) {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        formatter.timeZone = TimeZone(identifier: "UTC")
        let millis = (seconds * 1000).rounded() / 1000
        let expected = formatter.string(from: Date(timeIntervalSince1970: millis))
        #expect(TimelineCSV.iso8601(seconds) == expected)
    }

    @Test func commasQuotesAndNewlinesRoundTrip() async throws {
        let nasty = "/case/in/a, \"b\"\nc.mp4"
        let text = TimelineCSV.document([Self.row(query: nasty)])
        let table = Self.parse(text)
        #expect(table.count == 2)
        let cells = Dictionary(uniqueKeysWithValues: zip(table[0], table[1]))
        #expect(cells["query_path"] == nasty)
        #expect(text.contains("\"/case/in/a, \"\"b\"\"\nc.mp4\""))
        #expect(text.hasSuffix("\r\n"))
    }

    @Test(arguments: ["=HYPERLINK(\"evil\")", "+1+1", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd"])
    func formulaCellsAreNeutralised(name: String) async throws {
        let table = Self.parse(TimelineCSV.document([Self.row(query: name, reference: name)]))
        let cells = Dictionary(uniqueKeysWithValues: zip(table[0], table[1]))
        #expect(cells["query_path"] == "'" + name)
        #expect(cells["reference_path"] == "'" + name)
        // The message starts with the file name too.
        #expect(cells["message"]?.hasPrefix("'") == true)
        #expect(table[1].allSatisfy { !("=+-@\t\r".contains($0.first ?? " ")) })
    }

    @Test func ordinaryCellsAreLeftAlone() {
        #expect(CSVWriter.field(.text("/case/in/plain.mp4")) == "/case/in/plain.mp4")
        #expect(CSVWriter.field(.text("3.000")) == "3.000")
        #expect(CSVWriter.field(.text("a-b=c")) == "a-b=c")
        #expect(CSVWriter.field(.text("")) == "")
    }

    @Test func messageNamesSpeedAndPlainMatches() {
        var r = Self.row(transform: .none)
        #expect(TimelineCSV.message(r) == "call-a-mirror.mp4 00:00:03.0–00:00:25.0 matches call-a.mp4 00:00:03.0–00:00:25.0")
        r.segment.slope = 1.25
        r.segment.transform = .crop
        #expect(TimelineCSV.message(r).hasSuffix("(crop, reference at 1.25× speed)"))
    }

    @Test func writesTheFile() async throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("match-timeline-\(UUID().uuidString).csv")
        defer { try? FileManager.default.removeItem(at: url) }
        try TimelineCSV.write([Self.row(), Self.row(start: 5)], to: url)
        let text = try String(contentsOf: url, encoding: .utf8)
        #expect(Self.parse(text).count == 3)
    }
}
