import Foundation
import Testing
@testable import KeyprintImport

@Suite struct HashSetReaderTests {
    static let md5 = "0a21c8f85a55a9e276ffc2c53f6887c4"
    static let sha1 = "80865824af39b163569d5d0aa1f0d1d5b0a1c2d3"
    static let sha256 = String(repeating: "ab", count: 32)

    /// The document in chunks of `chunk` bytes.
    static func chunks(_ text: String, _ chunk: Int = 7) -> () throws -> [UInt8]? {
        var bytes = Array(text.utf8)[...]
        return {
            if bytes.isEmpty { return nil }
            defer { bytes = bytes.dropFirst(chunk) }
            return Array(bytes.prefix(chunk))
        }
    }

    static func read(_ text: String, chunk: Int = 7) throws -> (HashSetFormat, [HashSetRecord]) {
        var records: [HashSetRecord] = []
        let format = try HashSetReader.read(file: "set", more: chunks(text, chunk)) { records.append($0) }
        return (format, records)
    }

    @Test(arguments: [1, 3, 4096])
    func theJSONParserGivesTheSameEventsWhateverTheChunks(chunk: Int) throws {
        let text = #" { "a" : [1, -2.5e3, true, false, null, "x\"\\\/\n\u00e9\ud83d\ude00", {}, []], "b": {"c": "d"} } "#
        var json = JSONPullParser(file: "t", more: Self.chunks(text, chunk))
        var events: [JSONPullParser.Event] = []
        while let e = try json.next() { events.append(e) }
        #expect(events == [.objectStart, .key("a"), .arrayStart, .number("1"), .number("-2.5e3"), .bool(true), .bool(false), .null,
                           .string("x\"\\/\né😀"), .objectStart, .objectEnd, .arrayStart, .arrayEnd, .arrayEnd,
                           .key("b"), .objectStart, .key("c"), .string("d"), .objectEnd, .objectEnd])
    }

    @Test(arguments: [
        ("{\"a\": 1,}", "expected an object key"),
        ("{\"a\" 1}", "expected ':'"),
        ("[1 2]", "expected ',' or ']'"),
        ("{\"a\": tru}", "expected true"),
        ("{\"a\": \"\\q\"}", "unknown escape"),
        ("{\"a\": 1} x", "more after the end"),
        ("{\"a\": [1,", "ends where a value was expected"),
        ("{\"a\":\n\n +1}", "line 3"),
    ])
    func malformedJSONIsAnErrorWithItsLine(text: String, problem: String) throws {
        var json = JSONPullParser(file: "t.json", more: Self.chunks(text))
        do {
            while try json.next() != nil {}
            Issue.record("\(text) parsed")
        } catch let error as ImportError {
            #expect(error.description.contains(problem), "\(error)")
            #expect(error.description.hasPrefix("t.json, line "))
        }
    }

    @Test(arguments: [
        ("\"odata.metadata\": \"http://github.com/ICMEC/ProjectVic/DataModels/1.2.xml#Media\"", HashSetFormat.vics12),
        ("\"odata.metadata\": \"http://github.com/ICMEC/ProjectVic/DataModels/1.3.xml#Media\"", .vics13),
        ("\"@odata.context\": \"http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/Default/$metadata#Media\"", .vics20),
    ])
    func readsTheThreeVICSDataModels(model: String, format: HashSetFormat) throws {
        let body = """
            "value": [
              {"MediaID": 7, "Category": 1, "MD5": "\(Self.md5.uppercased())", "SHA1": "\(Self.sha1)", "Series": "S1",
               "MediaFiles": [{"FileName": "a.jpg", "MD5": "ignored"}], "IsPrecategorized": true},
              {"MediaID": "x2", "Category": "CAT-B", "SHA1": "\(Self.sha1)", "MD5": null}
            ]
            """
        for text in ["{\(model), \(body)}", "{\(body), \(model)}"] {
            let (read, records) = try Self.read(text)
            #expect(read == format)
            #expect(records == [
                HashSetRecord(md5: Self.md5, sha1: Self.sha1, category: "1", mediaID: "7", note: "series S1"),
                HashSetRecord(sha1: Self.sha1, category: "CAT-B", mediaID: "x2"),
            ])
        }
    }

    @Test(arguments: [1, 7, 4096])
    func vics20RecordsWithTheirHashesInNestedFileArraysAreRead(chunk: Int) throws {
        let model = "\"@odata.context\": \"http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/Default/$metadata#Media\""
        let other = "1b" + String(repeating: "0", count: 30)
        let text = """
            {\(model), "value": [
              {"MediaID": 1, "Category": 3, "Series": "S", "MediaFiles": [
                 {"FileName": "a.mp4", "FilePath": "C:\\\\x\\\\a.mp4", "MD5": "\(Self.md5.uppercased())", "SHA1": "\(Self.sha1)"},
                 {"FileName": "b.mp4", "MD5": "\(other)", "Nested": {"MD5": "not this one"}},
                 {"FileName": "no-digest.mp4"}]},
              {"MediaID": 2, "Category": "x", "Files": [{"SHA256": "\(Self.sha256)", "Size": 12.5e3}]},
              {"MediaID": 3, "MD5": "\(other)", "MediaFiles": [{"MD5": "\(Self.md5)"}]}
            ]}
            """
        let (format, records) = try Self.read(text, chunk: chunk)
        #expect(format == .vics20)
        #expect(records == [
            HashSetRecord(md5: Self.md5, sha1: Self.sha1, category: "3", mediaID: "1", note: "series S"),
            HashSetRecord(md5: other, category: "3", mediaID: "1", note: "series S"),
            HashSetRecord(sha256: Self.sha256, category: "x", mediaID: "2"),
            // The record's own digest wins over its files' (as in VICS 1.x, where files only name paths).
            HashSetRecord(md5: other, mediaID: "3"),
        ])
        #expect(throws: ImportError.malformedLine(file: "set", line: 2, reason: "Media record 1 has no MD5, SHA1 or SHA256")) {
            try Self.read("{\(model), \"value\": [\n{\"MediaFiles\": [{\"FileName\": \"a\"}], \"MD5\": \"  \"}]}")
        }
        #expect(throws: ImportError.malformedLine(file: "set", line: 2, reason: "Media record 1: MD5 \"zz\" is not 32 hexadecimal digits")) {
            try Self.read("{\(model), \"value\": [\n{\"Files\": [{\"MD5\": \"zz\"}]}]}")
        }
    }

    @Test(arguments: ["0", "-0", "12", "-1.5", "3e7", "2E-3", "1.25e+2", "01", "1.", "-.5"])
    func numbersAreKeptAsWritten(number: String) throws {
        var json = JSONPullParser(file: "t", more: Self.chunks("[\(number)]", 2))
        #expect(try json.next() == .arrayStart)
        #expect(try json.next() == .number(number))
    }

    @Test(arguments: ["-", "+1", "1e", "--1", "1.2.3", "0x1"])
    func aNumberThatIsNoNumberIsAnError(number: String) throws {
        var json = JSONPullParser(file: "t", more: Self.chunks("[\(number)]", 2))
        #expect(throws: ImportError.self) { while try json.next() != nil {} }
    }

    @Test func skippedValuesAreStillCheckedAndLeaveTheRestIntact() throws {
        var json = JSONPullParser(file: "t", more: Self.chunks(#"{"a": {"b": ["x\n", 1, {"c": null}]}, "d": "e"}"#, 3))
        #expect(try json.next() == .objectStart)
        #expect(try json.next() == .key("a"))
        #expect(try json.skipValue())
        #expect(try json.next() == .key("d"))
        #expect(try json.next() == .string("e"))
        var bad = JSONPullParser(file: "t", more: Self.chunks(#"{"a": {"b": [1 2]}}"#, 3))
        _ = try bad.next(); _ = try bad.next()
        #expect(throws: ImportError.self) { try bad.skipValue() }
    }

    @Test func anUnknownOrMissingDataModelIsAnErrorNotAGuess() throws {
        #expect(throws: ImportError.self) { try Self.read("{\"odata.metadata\": \"http://example.org/other#Media\", \"value\": []}") }
        do { _ = try Self.read("{\"value\": [{\"MD5\": \"\(Self.md5)\"}]}") } catch let error as ImportError {
            guard case .unknownFormat(_, let reason) = error else { Issue.record("\(error)"); return }
            #expect(reason.contains("no VICS data model"))
        }
    }

    @Test func aMediaRecordWithoutADigestOrWithABadOneNamesItsLine() throws {
        let model = "\"odata.metadata\": \"http://github.com/ICMEC/ProjectVic/DataModels/1.3.xml#Media\""
        #expect(throws: ImportError.malformedLine(file: "set", line: 3, reason: "Media record 2 has no MD5, SHA1 or SHA256")) {
            try Self.read("{\(model), \"value\": [\n{\"MD5\": \"\(Self.md5)\"},\n{\"Category\": 2}]}")
        }
        #expect(throws: ImportError.malformedLine(file: "set", line: 2, reason: "Media record 1: MD5 \"abc\" is not 32 hexadecimal digits")) {
            try Self.read("{\(model), \"value\": [\n{\"MD5\": \"abc\"}]}")
        }
    }

    @Test func readsICSESemicolonCSVAndPlainCSV() throws {
        let (icse, icseRecords) = try Self.read("\u{FEFF}MD5;SHA1;Category;MediaID\r\n\(Self.md5);;1;42\r\n;\(Self.sha1);2;43\r\n")
        #expect(icse == .icseCSV)
        #expect(icseRecords == [HashSetRecord(md5: Self.md5, category: "1", mediaID: "42"), HashSetRecord(sha1: Self.sha1, category: "2", mediaID: "43")])
        let (plain, plainRecords) = try Self.read("sha256,category,note\n\(Self.sha256),cat a,\"a, \"\"quoted\"\" note\"\n\n")
        #expect(plain == .csv)
        #expect(plainRecords == [HashSetRecord(sha256: Self.sha256, category: "cat a", note: "a, \"quoted\" note")])
    }

    @Test func aCSVWithoutAHashColumnOrWithABadValueIsAnError() throws {
        #expect(throws: ImportError.unknownFormat(file: "set", reason: "the header line names no md5, sha1 or sha256 column (found: name, size)")) {
            try Self.read("name,size\na,1\n")
        }
        #expect(throws: ImportError.malformedLine(file: "set", line: 3, reason: "md5 \"zz\" is not 32 hexadecimal digits")) {
            try Self.read("md5,category\n\(Self.md5),1\nzz,2\n")
        }
        #expect(throws: ImportError.malformedLine(file: "set", line: 2, reason: "no md5, sha1 or sha256 value")) {
            try Self.read("md5,category\n,1\n")
        }
    }
}
