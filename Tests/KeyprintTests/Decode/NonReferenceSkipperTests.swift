import Testing
@testable import KeyprintModel
@testable import KeyprintDecode
@testable import KeyprintHash
@testable import KeyprintIndex
@testable import KeyprintMatch
@testable import KeyprintStore
@testable import KeyprintExport
@testable import KeyprintPipeline

@Suite struct NonReferenceSkipperTests {
    /// Decode order I0 P3 B1 B2 P6 B4 B5 at 30 fps (pts in 1/30 s), next sample at 0.2 s.
    @Test func discardsOnlyPacketsWellBeforeTheNextSample() {
        var skipper = NonReferenceSkipper(margin: 0.05)
        let next = 0.2
        let decisions = [0, 3, 1, 2, 6, 4, 5].map { pts in
            skipper.discard(packetPTS: Int64(pts), packetTime: Double(pts) / 30, nextSample: next)
        }
        // 6/30 = 0.2 is the sample itself; 5/30 lies within the 0.05 s margin; the rest may go.
        #expect(decisions == [true, true, true, true, false, true, false])
    }

    @Test func numbersFramesByPresentationOrderAcrossDiscardedFrames() {
        var skipper = NonReferenceSkipper(margin: 0.001)
        for pts in [0, 3, 1, 2, 6, 4, 5] {
            _ = skipper.discard(packetPTS: Int64(pts), packetTime: Double(pts) / 30, nextSample: 1.0)
        }
        // Suppose the decoder output only the reference frames 0, 3 and 6.
        let numbers = [0, 3, 6].map { skipper.frameIndex(presentationTimestamp: Int64($0)) }
        #expect(numbers == [0, 3, 6])
        #expect(skipper.framesCounted == 7)
    }

    @Test func packetWithoutTimestampStopsDiscarding() {
        var skipper = NonReferenceSkipper(margin: 0.001)
        let first = skipper.discard(packetPTS: 0, packetTime: 0, nextSample: 1)
        let untimed = skipper.discard(packetPTS: Int64.min, packetTime: nil, nextSample: 1)
        let after = skipper.discard(packetPTS: 1, packetTime: 1.0 / 30, nextSample: 1)
        #expect(first && !untimed && !after)
    }

    @Test func leavesNumberingToTheDecoderUntilSomethingIsDiscarded() {
        var skipper = NonReferenceSkipper(margin: 0.001)
        let dropped = skipper.discard(packetPTS: 30, packetTime: 1.0, nextSample: 1.0)
        let number = skipper.frameIndex(presentationTimestamp: 30)
        #expect(!dropped && number == nil)
    }
}
