import Testing
@testable import KeyprintModel
@testable import KeyprintDecode
@testable import KeyprintHash
@testable import KeyprintIndex
@testable import KeyprintMatch
@testable import KeyprintStore
@testable import KeyprintExport
@testable import KeyprintPipeline

@Suite struct CSVWriterTests {
    @Test func quotesPerRFC4180() {
        #expect(CSVWriter.row([.text("plain"), .text("a,b"), .text("say \"hi\""), .text("two\nlines")])
                == "plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\"\r\n")
    }

    @Test(arguments: ["=SUM(A1)", "+1", "-2", "@cmd", "\tx", "\rx"])
    func neutralisesFormulaText(cell: String) {
        #expect(CSVWriter.field(.text(cell)).hasPrefix("'") || CSVWriter.field(.text(cell)).hasPrefix("\"'"))
    }

    @Test func leavesOurNumbersAlone() {
        #expect(CSVWriter.field(.number("-1.500")) == "-1.500")
        #expect(CSVWriter.field(.text("/evidence/a.mp4")) == "/evidence/a.mp4")
    }

    @Test func writerFlushesEverythingToTheSink() async throws {
        var collected = ""
        var writer = CSVWriter(flushThreshold: 8) { collected += $0 }
        try writer.writeHeader(["path", "n"])
        for i in 0..<5 { try writer.writeRow([.text("f\(i)"), .number(String(i))]) }
        try writer.flush()
        #expect(collected == "path,n\r\n" + (0..<5).map { "f\($0),\($0)\r\n" }.joined())
    }
}
