import Testing
@testable import KeyprintModel
@testable import KeyprintDecode
@testable import KeyprintHash
@testable import KeyprintIndex
@testable import KeyprintMatch
@testable import KeyprintStore
@testable import KeyprintExport
@testable import KeyprintPipeline

/// The rules added for recall at 1 frame per second (docs/matching.md §2 and §3).
@Suite struct RecallRulesTests {
    let a = SyntheticRecording(seconds: 120, seed: 1)

    func match(_ q: Double, _ r: Double, distance: Int = 8) -> FrameMatch {
        FrameMatch(queryFrame: Int(q), queryTime: q, referenceFrame: Int(r * 10), referenceTime: r, distance: distance)
    }

    @Test func gapIsMeasuredOnTheFasterSide() async throws {
        // The query is the original, the reference its 1.25× copy: sampled once a second, the
        // two line up only every 5 s of the original (every 4 s of the copy).
        let slow = [match(5, 4), match(10, 8), match(15, 12)]
        let s = try #require(SegmentAligner().segments(from: slow, queryVideoID: 1, referenceVideoID: 2).first)
        #expect(abs(s.queryStart - 5) < 1e-9 && abs(s.queryEnd - 15) < 1e-9)
        #expect(abs(s.slope - 0.8) < 0.01)
        // The other direction gives the same segment.
        let fast = [match(4, 5), match(8, 10), match(12, 15)]
        let t = try #require(SegmentAligner().segments(from: fast, queryVideoID: 2, referenceVideoID: 1).first)
        #expect(abs(t.referenceStart - 5) < 1e-6 && abs(t.referenceEnd - 15) < 1e-6)
        // Gaps of 5 s on both clocks are still too long.
        let sparse = [match(5, 5), match(10, 10), match(15, 15)]
        #expect(SegmentAligner().segments(from: sparse, queryVideoID: 1, referenceVideoID: 2).isEmpty)
    }

    @Test func aShotWithoutRegionIsNotACrop() async throws {
        // A compilation's frames outside any captured layout carry their whole-frame hash as
        // the region hash: matching them is a plain match, not a crop.
        let frames = a.frames(from: 0, duration: 30, seed: 1)
        let compilation = VideoFrames(videoID: 1, frames: frames, regionFrames: frames)
        let plain = VideoFrames(videoID: 2, frames: a.frames(from: 0, duration: 30, seed: 2))
        let s = try #require(Matcher(references: [compilation]).match(query: plain).first)
        #expect(s.transform == .none)
        let t = try #require(Matcher(references: [plain]).match(query: compilation).first)
        #expect(t.transform == .none)
    }

    @Test func segmentGrowsAlongItsLineOverLooserMatches() async throws {
        // A degraded copy: 36 bits of noise on every frame (beyond the 31-bit radius) except a
        // 6-s stretch in the middle that matches closely.
        let reference = VideoFrames(videoID: 1, frames: a.frames(from: 0, duration: 40, seed: 1))
        let query = VideoFrames(videoID: 2, frames: concatenate([
            a.frames(from: 0, duration: 15, noise: 36, seed: 2),
            a.frames(from: 15, duration: 6, seed: 3),
            a.frames(from: 21, duration: 19, noise: 36, seed: 4),
        ]))
        let s = try #require(Matcher(references: [reference]).match(query: query).first)
        #expect(s.queryStart <= 1 && s.queryEnd >= 38, "\(s.queryStart)–\(s.queryEnd)")
        #expect(abs(s.referenceStart - s.queryStart) < 1 && abs(s.referenceEnd - s.queryEnd) < 1)
        var strict = MatchSettings()
        strict.extendThresholdBits = strict.thresholdBits
        let t = try #require(Matcher(references: [reference], settings: strict).match(query: query).first)
        #expect(t.queryStart >= 14 && t.queryEnd <= 21, "\(t.queryStart)–\(t.queryEnd)")
    }

    @Test func growingStopsAtACommonOpeningScreen() async throws {
        // The pair and three unrelated videos open on the same still screen; the pair's content
        // is degraded but for a close stretch. The segment must not grow into the opening.
        let opening = SyntheticRecording(seconds: 6, seed: 4646, bitsPerStep: 0)
        func video(_ id: Int64, _ content: [FrameHash]) -> VideoFrames {
            VideoFrames(videoID: id, frames: concatenate([opening.frames(from: 0, duration: 6, seed: UInt64(id)), content]))
        }
        let reference = video(1, a.frames(from: 0, duration: 30, seed: 1))
        let query = video(2, concatenate([a.frames(from: 0, duration: 10, noise: 36, seed: 2),
                                          a.frames(from: 10, duration: 8, seed: 3),
                                          a.frames(from: 18, duration: 12, noise: 36, seed: 4)]))
        let others = (3...5).map { video(Int64($0), SyntheticRecording(seconds: 30, seed: 700 + UInt64($0)).frames(from: 0, duration: 30)) }
        let s = try #require(Matcher(references: [reference] + others).match(query: query).first)
        #expect(s.referenceVideoID == 1)
        // The cut lies between the opening's last sample (5 s) and the content's first (6 s).
        #expect(s.queryStart >= 5.5 - 1e-9 && s.queryStart <= 7, "start \(s.queryStart)")
        #expect(s.queryEnd >= 34, "end \(s.queryEnd)")
    }

    @Test func wholeFramesLinkRegionVideosWhenTheirRegionsAgreeLoosely() async throws {
        // A capture and its re-upload with a watermark box in the pane: whole frames stay
        // close (6 bits of noise each), region hashes drift to ~40 bits (beyond the radius).
        let chrome = SyntheticRecording(seconds: 40, seed: 558)
        let capture = VideoFrames(videoID: 1, frames: chrome.frames(from: 0, duration: 40, seed: 1),
                                  regionFrames: a.frames(from: 0, duration: 40, seed: 2))
        let watermarked = VideoFrames(videoID: 2, frames: chrome.frames(from: 0, duration: 40, seed: 3),
                                      regionFrames: a.frames(from: 0, duration: 40, noise: 34, seed: 4))
        let s = try #require(Matcher(references: [capture]).match(query: watermarked).first)
        #expect(s.queryStart <= 1 && s.queryEnd >= 38)
        var regionsOnly = MatchSettings()
        regionsOnly.regionCheckedWholeFrames = false
        #expect(Matcher(references: [capture], settings: regionsOnly).match(query: watermarked).isEmpty)
    }
}
