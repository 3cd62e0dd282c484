import Foundation
import Testing
@testable import KeyprintModel
@testable import KeyprintImport

@Suite struct VPDQParserTests {
    static let hashA = "e271017837246aaccddea259648fb7d62f435c89d9e99b2497763e216c8d055c"
    static let hashB = "C0F11178372C6AACCDDEA259648FBFD62F434C89C9E99B249772BE216C8D055C"

    static func parse(_ text: String) throws(ImportError) -> [FrameHash] {
        try VPDQParser.parse(Array(text.utf8), file: "/x/a.txt")
    }

    @Test func parsesLinesWithGapsCRAndBlankLines() throws {
        let frames = try Self.parse("0,100,\(Self.hashA),0.000\r\n\n30,47,\(Self.hashB),1.001\n")
        #expect(frames.count == 2)
        #expect(frames[0] == FrameHash(index: 0, timestamp: 0, quality: 100, hash: PDQHash(hex: Self.hashA)!, mirrorHash: PDQHash(hex: Self.hashA)!))
        #expect(frames[1].index == 30)
        #expect(frames[1].quality == 47)
        #expect(frames[1].hash.hex == Self.hashB.lowercased())
        #expect(frames[1].timestamp == 1.001)
        #expect(frames[1].mirrorHash == frames[1].hash)
    }

    @Test func timestampsParseAsDoubleDoes() throws {
        for text in ["0.033", "1.033", "12.967", "3600.5", "7", "0.1234567"] {
            let frames = try Self.parse("0,90,\(Self.hashA),\(text)")
            #expect(frames[0].timestamp == Double(text)!, "\(text)")
        }
    }

    @Test(arguments: [
        ("0,100,\(hashA)", "expected 4 comma-separated fields"),
        ("0,100,\(hashA),0.0,extra", "expected 4 comma-separated fields"),
        ("x,100,\(hashA),0.0", "frame number \"x\" is not a whole number"),
        ("0,101,\(hashA),0.0", "quality \"101\" is not a whole number from 0 to 100"),
        ("0,-1,\(hashA),0.0", "quality \"-1\""),
        ("0,100,\(hashA.dropLast()),0.0", "is not a PDQ hash"),
        ("0,100,\(hashA.dropLast())g,0.0", "is not a PDQ hash"),
        ("0,100,\(hashA),-1", "timestamp \"-1\" is not a number of seconds"),
        ("0,100,\(hashA),1.2.3", "timestamp \"1.2.3\""),
        ("0,100,\(hashA),", "timestamp \"\""),
    ])
    func aMalformedLineNamesFileLineAndProblem(line: String, problem: String) throws {
        let text = "0,100,\(Self.hashA),0.000\n1,100,\(Self.hashA),0.033\n\(line)\n"
        do {
            _ = try Self.parse(text)
            Issue.record("\(line) parsed")
        } catch {
            guard case .malformedLine(let file, let number, let reason) = error else { Issue.record("\(error)"); return }
            #expect(file == "/x/a.txt")
            #expect(number == 3)
            #expect(reason.contains(problem), "\(reason)")
            #expect(error.description.hasPrefix("/x/a.txt, line 3: "))
        }
    }

    @Test func frameNumbersMustIncreaseAndTimestampsNotGoBack() throws {
        #expect(throws: ImportError.malformedLine(file: "/x/a.txt", line: 2, reason: "frame number 5 does not follow 5 (frame numbers must increase)")) {
            try Self.parse("5,100,\(Self.hashA),0.0\n5,100,\(Self.hashA),0.1\n")
        }
        #expect(throws: ImportError.malformedLine(file: "/x/a.txt", line: 2, reason: "timestamp 0.500 s is before the previous line's 1.000 s")) {
            try Self.parse("0,100,\(Self.hashA),1.0\n1,100,\(Self.hashA),0.5\n")
        }
    }

    @Test func aFileWithoutHashLinesIsAnError() {
        #expect(throws: ImportError.noHashes(file: "/x/a.txt")) { try Self.parse("") }
        #expect(throws: ImportError.noHashes(file: "/x/a.txt")) { try Self.parse("\n\r\n") }
    }

    @Test func exportedLinesParseBack() throws {
        var rng = SplitMix64(seed: 5)
        var frames: [FrameHash] = []
        for i in 0..<50 {
            let hash = PDQHash(w0: rng.next(), w1: rng.next(), w2: rng.next(), w3: rng.next())
            frames.append(FrameHash(index: i * 3, timestamp: Double(i) * 0.1, quality: i * 2, hash: hash, mirrorHash: .zero))
        }
        let text = frames.map(\.vpdqLine).joined(separator: "\n")
        let parsed = try Self.parse(text)
        #expect(parsed.map(\.hash) == frames.map(\.hash))
        #expect(parsed.map(\.index) == frames.map(\.index))
        #expect(parsed.map(\.quality) == frames.map(\.quality))
        #expect(parsed.map(\.timestamp) == frames.map { Double(format3($0.timestamp))! })
    }
}
