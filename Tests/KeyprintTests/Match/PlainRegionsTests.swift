import Testing
@testable import KeyprintMatch
import KeyprintModel

/// Issue #13 item 3: a whole-frame match between two region videos stands when their region
/// hashes are too plain to decide (a dark pane, a plain wall), but not when they are
/// informative and disagree (shared chrome around different panes).
@Suite struct PlainRegionsTests {
    let picture = SyntheticRecording(seconds: 40, seed: 9101)
    let paneA = SyntheticRecording(seconds: 40, seed: 9102)
    let paneB = SyntheticRecording(seconds: 40, seed: 9103)
    let box = NormalizedRect(x: 0.125, y: 0.133, width: 0.75, height: 0.744)

    /// Whole frames: the same picture (a few bits of noise); regions: `regions`, at `quality`.
    func video(_ id: Int64, regions: SyntheticRecording, quality: Int) -> VideoFrames {
        let plain = regions.frames(from: 0, duration: 40, seed: UInt64(id)).map { f -> FrameHash in var f = f; f.quality = quality; return f }
        return VideoFrames(videoID: id, frames: picture.frames(from: 0, duration: 40, noise: 3, seed: UInt64(id)),
                           regionFrames: plain, shots: [ShotRegion(startTime: 0, region: box)])
    }

    @Test func plainRegionsLetNearIdenticalWholeFramesLink() throws {
        let capture = video(1, regions: paneA, quality: 20), transcode = video(2, regions: paneB, quality: 20)
        let s = try #require(Matcher(references: [capture]).match(query: transcode).first)
        #expect(s.queryEnd - s.queryStart >= 35)
    }

    @Test func oneInformativeSideIsStillUndecided() throws {
        let capture = video(1, regions: paneA, quality: 100), transcode = video(2, regions: paneB, quality: 20)
        #expect(!Matcher(references: [capture]).match(query: transcode).isEmpty)
    }

    @Test func informativeDisagreeingRegionsStillVeto() {
        let capture = video(1, regions: paneA, quality: 100), other = video(2, regions: paneB, quality: 100)
        #expect(Matcher(references: [capture]).match(query: other).isEmpty)
    }

    @Test func plainRegionsNeedANearIdenticalWholeFrame() {
        var strict = MatchSettings()
        strict.differentRegionWholeFrameBits = 0
        let capture = video(1, regions: paneA, quality: 20), transcode = video(2, regions: paneB, quality: 20)
        #expect(Matcher(references: [capture], settings: strict).match(query: transcode).isEmpty)
    }
}
