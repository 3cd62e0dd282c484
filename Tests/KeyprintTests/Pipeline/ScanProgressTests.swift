import Testing
@testable import KeyprintModel
@testable import KeyprintDecode
@testable import KeyprintHash
@testable import KeyprintIndex
@testable import KeyprintMatch
@testable import KeyprintStore
@testable import KeyprintExport
@testable import KeyprintPipeline

@Suite struct ScanProgressTests {
    @Test func rateAndTimeLeftFollowBytesDone() async throws {
        var p = ScanProgress(totalFiles: 4, totalBytes: 400, startTime: 100)
        #expect(p.bytesPerSecond(at: 100) == nil)
        #expect(p.secondsRemaining(at: 110) == nil)
        p.record(state: .done, bytes: 100, frames: 10)
        #expect(p.bytesPerSecond(at: 110) == 10)
        // A quarter done in 10 s: 30 s left.
        #expect(try #require(p.secondsRemaining(at: 110)) == 30)
        p.record(state: .failed, bytes: 300, frames: 0)
        #expect(p.secondsRemaining(at: 120) == 0)
        #expect(p.frames == 10 && p.failed == 1 && p.filesDone == 2)
        #expect(!p.isComplete)
    }

    @Test func filesDecideWhenThereAreNoBytes() async throws {
        var p = ScanProgress(totalFiles: 2, totalBytes: 0, startTime: 0)
        p.record(state: .skipped, bytes: 0, frames: 0)
        #expect(p.fractionDone == 0.5)
        #expect(try #require(p.secondsRemaining(at: 4)) == 4)
        #expect(p.skipped == 1)
    }
}
