import Testing
@testable import KeyprintModel
@testable import KeyprintDecode
@testable import KeyprintHash
@testable import KeyprintIndex
@testable import KeyprintMatch
@testable import KeyprintStore
@testable import KeyprintExport
@testable import KeyprintPipeline

@Suite struct MatcherTests {
    let a = SyntheticRecording(seconds: 120, seed: 1)
    let b = SyntheticRecording(seconds: 120, seed: 2)

    func unrelated(_ id: Int64, seconds: Double = 60) -> VideoFrames {
        VideoFrames(videoID: id, frames: SyntheticRecording(seconds: seconds, seed: 1000 + UInt64(id)).frames(from: 0, duration: seconds))
    }

    func expectClose(_ x: Double, _ y: Double, within tolerance: Double = 1.0, _ what: String,
                     sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(abs(x - y) <= tolerance, "\(what): \(x) vs expected \(y)", sourceLocation: sourceLocation)
    }

    @Test func identicalSequencesGiveOneFullSegment() async throws {
        let reference = VideoFrames(videoID: 1, frames: a.frames(from: 0, duration: 60, seed: 1))
        let query = VideoFrames(videoID: 2, frames: a.frames(from: 0, duration: 60, seed: 2))
        let segments = Matcher(references: [reference, unrelated(3)]).match(query: query)
        #expect(segments.count == 1)
        let s = try #require(segments.first)
        #expect(s.referenceVideoID == 1)
        expectClose(s.queryStart, 0, "query start"); expectClose(s.queryEnd, 59, "query end")
        expectClose(s.referenceStart, 0, "reference start"); expectClose(s.referenceEnd, 59, "reference end")
        expectClose(s.slope, 1, within: 0.02, "slope")
        #expect(s.transform == .none)
        #expect(s.matchedFrames >= 55)
        #expect(s.meanDistance <= 14)
    }

    @Test func offsetCopyGivesTheRightOffsets() async throws {
        let reference = VideoFrames(videoID: 1, frames: a.frames(from: 0, duration: 100))
        // Query: 10 s of other material, then reference 40…70 s.
        let query = VideoFrames(videoID: 2, frames: concatenate([
            SyntheticRecording(seconds: 10, seed: 99).frames(from: 0, duration: 10),
            a.frames(from: 40, duration: 30, seed: 3),
        ]))
        let segments = Matcher(references: [reference]).match(query: query)
        #expect(segments.count == 1)
        let s = try #require(segments.first)
        expectClose(s.queryStart, 10, "query start"); expectClose(s.queryEnd, 39, "query end")
        expectClose(s.referenceStart, 40, "reference start"); expectClose(s.referenceEnd, 69, "reference end")
    }

    @Test func aSegmentEndsAtTheVideosEndAtTheLatest() async throws {
        // Samples 0 … 59 s of a 59.4-s query: the last sample stands until the end of the file.
        let reference = VideoFrames(videoID: 1, frames: a.frames(from: 0, duration: 60, seed: 1), duration: 60)
        let query = VideoFrames(videoID: 2, frames: a.frames(from: 0, duration: 60, seed: 2), duration: 59.4)
        let s = try #require(Matcher(references: [reference]).match(query: query).first)
        expectClose(s.queryEnd, 59.4, within: 1e-9, "query end")
        let unknown = VideoFrames(videoID: 3, frames: query.frames)
        let t = try #require(Matcher(references: [reference]).match(query: unknown).first)
        expectClose(t.queryEnd, 60, within: 1e-9, "query end without a known duration")
    }

    @Test func spedUpCopyGivesSlopeAndSpans() async throws {
        let reference = VideoFrames(videoID: 1, frames: a.frames(from: 0, duration: 100))
        // The query plays reference 10 s … 50 s at 1.25×: 32 s of query.
        let query = VideoFrames(videoID: 2, frames: a.frames(from: 10, duration: 32, speed: 1.25, seed: 4))
        let segments = Matcher(references: [reference]).match(query: query)
        #expect(segments.count == 1)
        let s = try #require(segments.first)
        expectClose(s.slope, 1.25, within: 0.03, "slope")
        // A segment runs to the time of the sample after its last one (here the end of the
        // 32-s query): the copy shows reference 10 … 50 s.
        expectClose(s.queryStart, 0, "query start"); expectClose(s.queryEnd, 32, "query end")
        expectClose(s.referenceStart, 10, "reference start"); expectClose(s.referenceEnd, 50, "reference end")
    }

    @Test func spedUpCopyOfFastChangingContentReachesItsEnds() async throws {
        // Content that changes so fast (64 bits per 0.25 s) that a 1.25× copy's samples 0.25 s
        // off the reference's half-second samples are beyond the loose radius: only every other
        // query sample can be verified. The others are "related" (well under the 128 bits of
        // unrelated pictures), so they carry the segment to the copy's first and last samples.
        let fast = SyntheticRecording(seconds: 120, seed: 77, bitsPerStep: 64)
        let reference = VideoFrames(videoID: 1, frames: fast.frames(from: 0, duration: 100, every: 0.5, noise: 3, seed: 1))
        let query = VideoFrames(videoID: 2, frames: concatenate([
            SyntheticRecording(seconds: 10, seed: 78).frames(from: 0, duration: 10),
            fast.frames(from: 10.25, duration: 31, speed: 1.25, noise: 3, seed: 2),
            SyntheticRecording(seconds: 10, seed: 79).frames(from: 0, duration: 10),
        ]))
        let s = try #require(Matcher(references: [reference]).match(query: query).first)
        // Samples 10 … 40 s covered: the cuts are estimated halfway to the uncovered neighbours.
        expectClose(s.queryStart, 9.5, within: 0.01, "query start"); expectClose(s.queryEnd, 40.5, within: 0.01, "query end")
        expectClose(s.referenceStart, 9.625, "reference start"); expectClose(s.referenceEnd, 48.375, "reference end")
        // Without "related" unknowns the first and last samples (off the reference's) are lost.
        var noUnknowns = MatchSettings()
        noUnknowns.relatedThresholdBits = 0
        let t = try #require(Matcher(references: [reference], settings: noUnknowns).match(query: query).first)
        #expect(t.queryStart >= 10.5 - 0.01 && t.queryEnd <= 39.5 + 0.01, "\(t.queryStart)–\(t.queryEnd)")
    }

    @Test(arguments: [0.5, 0.8, 1.1, 1.5, 2.0])
    func otherSpeedsAlign(speed: Double) async throws {
        let reference = VideoFrames(videoID: 1, frames: a.frames(from: 0, duration: 120))
        let query = VideoFrames(videoID: 2, frames: a.frames(from: 5, duration: 20 / speed + 10, speed: speed, seed: 5))
        let segments = Matcher(references: [reference]).match(query: query)
        let s = try #require(segments.first)
        #expect(segments.count == 1)
        expectClose(s.slope, speed, within: 0.05, "slope")
        expectClose(s.referenceStart, 5, "reference start")
        expectClose(s.referenceEnd, 5 + speed * s.queryEnd, "reference end")
    }

    @Test(arguments: [1.0, 1.25])
    func slowlyChangingContentGivesOneSegmentWithoutFringes(speed: Double) async throws {
        // 1 bit per 0.25 s: frames up to ~6 s apart are within the radius, so every query
        // frame also matches reference frames seconds before and after the true one.
        let slow = SyntheticRecording(seconds: 120, seed: 12, bitsPerStep: 1)
        let reference = VideoFrames(videoID: 1, frames: slow.frames(from: 0, duration: 120))
        let query = VideoFrames(videoID: 2, frames: concatenate([
            SyntheticRecording(seconds: 20, seed: 13).frames(from: 0, duration: 20),
            slow.frames(from: 30, duration: 40, speed: speed, seed: 14),
            SyntheticRecording(seconds: 20, seed: 15).frames(from: 0, duration: 20),
        ]))
        let segments = Matcher(references: [reference]).match(query: query)
        #expect(segments.count == 1, "\(segments)")
        let s = try #require(segments.first)
        expectClose(s.queryStart, 20, "query start"); expectClose(s.queryEnd, 60, "query end")
        // The line: reference = 30 s + speed × (query − 20 s).
        expectClose(s.referenceStart, 30 + speed * (s.queryStart - 20), "reference start")
        expectClose(s.referenceEnd, 30 + speed * (s.queryEnd - 20), "reference end")
    }

    @Test(arguments: Array(UInt64(1)...40))
    func slowlyChangingContentGetsTheExactOffset(seed: UInt64) async throws {
        // A re-encode (8 bits of noise) of slowly changing video (about 8 bits a second): each
        // query frame also matches the reference frames seconds before and after its own. The
        // line must still go through its own frames, not one off (as scripts/bench-index's
        // "video-like" corpus showed before the fit kept the line with the most matches).
        let slow = SyntheticRecording(seconds: 200, seed: 900 + seed, bitsPerStep: 2)
        let reference = VideoFrames(videoID: 1, frames: slow.frames(from: 0, duration: 200, noise: 0, seed: seed))
        let query = VideoFrames(videoID: 2, frames: concatenate([
            SyntheticRecording(seconds: 100, seed: 950 + seed).frames(from: 0, duration: 100),
            slow.frames(from: 43, duration: 45, noise: 8, seed: 100 + seed),
            SyntheticRecording(seconds: 50, seed: 980 + seed).frames(from: 0, duration: 50),
        ]))
        let s = try #require(Matcher(references: [reference]).match(query: query).first)
        expectClose(s.slope, 1, within: 0.01, "slope")
        // Query samples 100 … 144 s cover reference 43 … 87 s; the ends lie half a second out.
        expectClose(s.queryStart, 99.5, within: 0.01, "query start")
        expectClose(s.referenceStart, 42.5, within: 0.25, "reference start")
        expectClose(s.referenceEnd, 87.5, within: 0.25, "reference end")
    }

    @Test func clipRepeatedInTheReferenceGivesBothOccurrences() async throws {
        // The reference is itself a compilation that shows the same 30 s twice.
        let reference = VideoFrames(videoID: 1, frames: concatenate([
            a.frames(from: 10, duration: 30, seed: 16),
            SyntheticRecording(seconds: 20, seed: 17).frames(from: 0, duration: 20),
            a.frames(from: 10, duration: 30, seed: 18),
        ]))
        let query = VideoFrames(videoID: 2, frames: a.frames(from: 10, duration: 30, seed: 19))
        let segments = Matcher(references: [reference]).match(query: query).sorted { $0.referenceStart < $1.referenceStart }
        #expect(segments.count == 2)
        guard segments.count == 2 else { return }
        expectClose(segments[0].referenceStart, 0, "first occurrence start"); expectClose(segments[0].referenceEnd, 29, "first occurrence end")
        expectClose(segments[1].referenceStart, 50, "second occurrence start"); expectClose(segments[1].referenceEnd, 79, "second occurrence end")
        for s in segments { expectClose(s.queryStart, 0, "query start"); expectClose(s.queryEnd, 29, "query end") }
    }

    @Test func compilationGivesTwoSegments() async throws {
        let refA = VideoFrames(videoID: 1, frames: a.frames(from: 0, duration: 100))
        let refB = VideoFrames(videoID: 2, frames: b.frames(from: 0, duration: 100))
        // 20 s of A from 5 s, then 15 s of B from 30 s, then 10 s of unrelated material, then
        // 12 s of A again from 70 s.
        let query = VideoFrames(videoID: 3, frames: concatenate([
            a.frames(from: 5, duration: 20, seed: 6),
            b.frames(from: 30, duration: 15, seed: 7),
            SyntheticRecording(seconds: 10, seed: 77).frames(from: 0, duration: 10),
            a.frames(from: 70, duration: 12, seed: 8),
        ]))
        let segments = Matcher(references: [refA, refB, unrelated(4)]).match(query: query)
            .sorted { $0.queryStart < $1.queryStart }
        #expect(segments.count == 3)
        guard segments.count == 3 else { return }
        let expected: [(Int64, Double, Double, Double, Double)] = [
            (1, 0, 19, 5, 24), (2, 20, 34, 30, 44), (1, 45, 56, 70, 81),
        ]
        for (s, e) in zip(segments, expected) {
            #expect(s.referenceVideoID == e.0)
            expectClose(s.queryStart, e.1, "query start"); expectClose(s.queryEnd, e.2, "query end")
            expectClose(s.referenceStart, e.3, "reference start"); expectClose(s.referenceEnd, e.4, "reference end")
        }
    }

    @Test func gapsOfAFewSecondsAreBridged() async throws {
        let reference = VideoFrames(videoID: 1, frames: a.frames(from: 0, duration: 60))
        var frames = a.frames(from: 0, duration: 60, seed: 9)
        var rng = SplitMix64(seed: 31337)
        // Three seconds of corrupted frames in the middle: no match there.
        for i in 30..<33 { frames[i].hash = PDQHash.random(using: &rng); frames[i].mirrorHash = frames[i].hash }
        let segments = Matcher(references: [reference]).match(query: VideoFrames(videoID: 2, frames: frames))
        #expect(segments.count == 1)
        let s = try #require(segments.first)
        expectClose(s.queryStart, 0, "query start"); expectClose(s.queryEnd, 59, "query end")
    }

    @Test func mirroredCopyReportsMirror() async throws {
        let reference = VideoFrames(videoID: 1, frames: a.frames(from: 0, duration: 60))
        let query = VideoFrames(videoID: 2, frames: a.frames(from: 10, duration: 30, mirrored: true, seed: 10))
        let segments = Matcher(references: [reference]).match(query: query)
        #expect(segments.count == 1)
        let s = try #require(segments.first)
        #expect(s.transform == .mirror)
        expectClose(s.referenceStart, 10, "reference start"); expectClose(s.referenceEnd, 39, "reference end")
    }

    @Test func regionHashesReportCrop() async throws {
        // The reference is a full capture whose content region is recording a; the query is
        // the crop to that region, so its whole-frame hash matches only the reference's region hash.
        let chrome = SyntheticRecording(seconds: 60, seed: 555)
        let reference = VideoFrames(videoID: 1, frames: chrome.frames(from: 0, duration: 60),
                                    regionFrames: a.frames(from: 0, duration: 60))
        let query = VideoFrames(videoID: 2, frames: a.frames(from: 0, duration: 40, seed: 11))
        let s = try #require(Matcher(references: [reference]).match(query: query).first)
        #expect(s.transform == .crop)
        expectClose(s.queryEnd, 39, "query end")
    }

    @Test func sharedChromeDoesNotLinkWhenRegionsDiffer() {
        // Two calls in the same app: identical chrome (whole-frame hashes follow the same
        // walk), different remote panes (region hashes). Whole frames alone would link them.
        let chrome = SyntheticRecording(seconds: 60, seed: 556)
        let callA = VideoFrames(videoID: 1, frames: chrome.frames(from: 0, duration: 60, seed: 1),
                                regionFrames: a.frames(from: 0, duration: 60))
        let callB = VideoFrames(videoID: 2, frames: chrome.frames(from: 0, duration: 60, seed: 2),
                                regionFrames: b.frames(from: 0, duration: 60))
        #expect(Matcher(references: [callA, callB]).match(query: callA).isEmpty)
        var settings = MatchSettings()
        settings.matchWholeFramesOfRegionVideos = true
        #expect(!Matcher(references: [callA, callB], settings: settings).match(query: callA).isEmpty)
    }

    /// A densely sampled call (4 frames a second) with region hashes of its own once a second,
    /// the rest borrowed as the store fills them (`VideoFrames.filledRegionFrames`).
    func denseCall(_ id: Int64, chrome: SyntheticRecording, pane: SyntheticRecording, seed: UInt64) -> VideoFrames {
        let frames = chrome.frames(from: 0, duration: 60, every: 0.25, seed: seed)
        let own = pane.frames(from: 0, duration: 60, seed: seed + 100).map { f in
            var g = f
            g.index = Int((f.timestamp / 0.25).rounded())
            return g
        }
        let regions = VideoFrames.filledRegionFrames(frames: frames, regions: own,
                                                     shots: [ShotRegion(startTime: 0, region: NormalizedRect(x: 0.1, y: 0.1, width: 0.5, height: 0.5))])
        return VideoFrames(videoID: id, frames: frames, regionFrames: regions)
    }

    @Test func borrowedRegionHashesAreNotIndexedYetCheckWholeFrameMatches() {
        let chrome = SyntheticRecording(seconds: 60, seed: 559)
        let callA = denseCall(1, chrome: chrome, pane: a, seed: 1)
        let callB = denseCall(2, chrome: chrome, pane: b, seed: 2)
        #expect(callA.hasRegions && callA.frames.count == 240)
        #expect((0..<240).filter(callA.ownsRegion).count == 60)
        // 240 whole-frame hashes and the 60 own region hashes; not the 180 borrowed copies.
        #expect(Matcher(references: [callA]).indexedHashCount == 240 + 60)
        // Same chrome, different panes: every whole-frame match is vetoed by the region check,
        // borrowed region hashes included.
        #expect(Matcher(references: [callA, callB]).match(query: callA).isEmpty)
        var unchecked = MatchSettings()
        unchecked.matchWholeFramesOfRegionVideos = true
        #expect(!Matcher(references: [callA, callB], settings: unchecked).match(query: callA).isEmpty)
        // The same pane on both sides (a re-encode): the check passes and they link over the whole call.
        let reencode = denseCall(3, chrome: chrome, pane: a, seed: 3)
        #expect(Matcher(references: [callA]).match(query: reencode).first.map { $0.queryEnd - $0.queryStart } ?? 0 >= 55)
    }

    @Test func nearIdenticalWholeFramesLinkWhenTheRegionBoxesDiffer() async throws {
        // The same picture in two videos whose region detection found different boxes (a
        // short excerpt where part of the pane stood still): the region hashes describe
        // different crops and disagree, the whole frames agree within a few bits.
        let picture = SyntheticRecording(seconds: 60, seed: 558)
        let pane = NormalizedRect(x: 0.125, y: 0.133, width: 0.75, height: 0.744)
        let shortPane = NormalizedRect(x: 0.125, y: 0.133, width: 0.75, height: 0.589)
        func video(_ id: Int64, _ box: NormalizedRect, _ regions: SyntheticRecording) -> VideoFrames {
            VideoFrames(videoID: id, frames: picture.frames(from: 0, duration: 60, noise: 3, seed: UInt64(id)),
                        regionFrames: regions.frames(from: 0, duration: 60), shots: [ShotRegion(startTime: 0, region: box)])
        }
        let capture = video(1, pane, a), excerpt = video(2, shortPane, b)
        let s = try #require(Matcher(references: [capture]).match(query: excerpt).first)
        expectClose(s.queryStart, 0, "query start"); expectClose(s.queryEnd, 59, "query end")
        // The same boxes: the region check applies and the disagreeing regions veto the link
        // (shared chrome around different panes).
        #expect(Matcher(references: [capture]).match(query: video(2, pane, b)).isEmpty)
        // With the exemption off, different boxes are checked as well.
        var strict = MatchSettings()
        strict.differentRegionWholeFrameBits = 0
        #expect(Matcher(references: [capture], settings: strict).match(query: excerpt).isEmpty)
    }

    @Test func openingStaysCommonWhereOnlyOneCaptureHasARegionOverIt() async throws {
        // Every capture opens on the same 8-s screen (whole frames alike). In the query and its
        // re-upload the opening is a shot of its own whose region (a spinner) gets its own
        // hashes; in three unrelated captures the opening shares the call's region, so their
        // whole-frame matches with the query's opening fail the region check. They still show
        // that the picture is everywhere: the link between query and re-upload starts after it.
        let opening = SyntheticRecording(seconds: 8, seed: 4243, bitsPerStep: 1)
        let spinner = SyntheticRecording(seconds: 8, seed: 4244)
        func capture(_ id: Int64, content: SyntheticRecording, ownOpeningRegion: Bool) -> VideoFrames {
            let whole = concatenate([opening.frames(from: 0, duration: 8, seed: UInt64(id)),
                                     content.frames(from: 0, duration: 40, seed: 10 + UInt64(id))])
            let regions = concatenate([
                ownOpeningRegion ? spinner.frames(from: 0, duration: 8, seed: 20 + UInt64(id))
                    : SyntheticRecording(seconds: 8, seed: 500 + UInt64(id)).frames(from: 0, duration: 8),
                content.frames(from: 0, duration: 40, seed: 30 + UInt64(id)),
            ])
            return VideoFrames(videoID: id, frames: whole, regionFrames: regions)
        }
        let query = capture(1, content: a, ownOpeningRegion: true)
        let reupload = capture(2, content: a, ownOpeningRegion: true)
        let others = (3...5).map { capture(Int64($0), content: SyntheticRecording(seconds: 40, seed: 600 + UInt64($0)), ownOpeningRegion: false) }
        let segments = Matcher(references: [reupload] + others).match(query: query)
        #expect(segments.count == 1)
        let s = try #require(segments.first)
        #expect(s.referenceVideoID == 2)
        expectClose(s.queryStart, 8, "query start (after the opening)")
        expectClose(s.queryEnd, 47, "query end")
    }

    @Test func thePictureInsideBarsMatchesTheOriginalsWholeFrames() async throws {
        // A letterboxed re-upload: its whole frames (bars included) look unrelated to the
        // capture's, its tiny pane's region hashes drifted beyond the loose radius, but the
        // picture inside its bars is the capture's whole frame.
        let capture = SyntheticRecording(seconds: 60, seed: 559)
        let panes = SyntheticRecording(seconds: 60, seed: 560)
        let original = VideoFrames(videoID: 1, frames: capture.frames(from: 0, duration: 40, noise: 3, seed: 1),
                                   regionFrames: panes.frames(from: 0, duration: 40, noise: 3, seed: 2),
                                   shots: [ShotRegion(startTime: 0, region: NormalizedRect(x: 0.02, y: 0.11, width: 0.76, height: 0.76))])
        var copy = VideoFrames(videoID: 2, frames: SyntheticRecording(seconds: 60, seed: 561).frames(from: 0, duration: 40),
                               regionFrames: panes.frames(from: 0, duration: 40, noise: 56, seed: 3),
                               shots: [ShotRegion(startTime: 0, region: NormalizedRect(x: 0.02, y: 0.37, width: 0.76, height: 0.24))])
        #expect(Matcher(references: [original]).match(query: copy).isEmpty)
        copy.pictureFrames = capture.frames(from: 0, duration: 40, noise: 3, seed: 4)
        let s = try #require(Matcher(references: [original]).match(query: copy).first)
        #expect(s.transform == .none)
        expectClose(s.queryStart, 0, "query start"); expectClose(s.queryEnd, 40, "query end")
        // And the other way round: the original's frames find the copy's pictures in the index.
        #expect(!Matcher(references: [copy]).match(query: original).isEmpty)
    }

    @Test func sameContentRegionOnBothSidesIsNotACrop() async throws {
        // A re-encode of a capture: both have the pane as their region.
        let chrome = SyntheticRecording(seconds: 60, seed: 557)
        let capture = VideoFrames(videoID: 1, frames: chrome.frames(from: 0, duration: 60, seed: 1),
                                  regionFrames: a.frames(from: 0, duration: 60, seed: 3))
        let reencode = VideoFrames(videoID: 2, frames: chrome.frames(from: 0, duration: 60, seed: 2),
                                   regionFrames: a.frames(from: 0, duration: 60, seed: 4))
        let s = try #require(Matcher(references: [capture]).match(query: reencode).first)
        #expect(s.transform == .none)
    }

    @Test func sharedOpeningScreenDoesNotLink() {
        // Six unrelated calls that all open on the same 8-second "Connecting…" screen.
        let opening = SyntheticRecording(seconds: 8, seed: 4242, bitsPerStep: 1)
        let videos = (1...6).map { id in
            VideoFrames(videoID: Int64(id), frames: concatenate([
                opening.frames(from: 0, duration: 8, seed: UInt64(id)),
                SyntheticRecording(seconds: 50, seed: 300 + UInt64(id)).frames(from: 0, duration: 50),
            ]))
        }
        let matcher = Matcher(references: videos)
        for v in videos { #expect(matcher.match(query: v).isEmpty, "video \(v.videoID) linked by its opening") }
        // Without the document-frequency rule the opening screen would link them.
        var settings = MatchSettings()
        settings.maxDocumentFrequency = .max
        #expect(!Matcher(references: videos, settings: settings).match(query: videos[0]).isEmpty)
    }

    @Test func animatedIntroSharedByManyVideosDoesNotLink() {
        // A 4-second animated platform intro (a new picture every second) before six
        // unrelated uploads: dynamic, but short and shared by many.
        let intro = SyntheticRecording(seconds: 4, seed: 4444)
        let videos = (1...6).map { id in
            VideoFrames(videoID: Int64(id), frames: concatenate([
                intro.frames(from: 0, duration: 4, seed: UInt64(id)),
                SyntheticRecording(seconds: 50, seed: 400 + UInt64(id)).frames(from: 0, duration: 50),
            ]))
        }
        let matcher = Matcher(references: videos)
        for v in videos { #expect(matcher.match(query: v).isEmpty, "video \(v.videoID) linked by the intro") }
    }

    @Test func manyReUploadsOfOneRecordingAllLinkEveryAgainstEvery() async throws {
        // Five copies of one call (a cluster larger than maxDocumentFrequency), each opening on
        // a shared still screen, plus four unrelated videos with the same opening.
        let opening = SyntheticRecording(seconds: 6, seed: 4545, bitsPerStep: 0)
        func video(_ id: Int64, _ content: [FrameHash]) -> VideoFrames {
            VideoFrames(videoID: id, frames: concatenate([opening.frames(from: 0, duration: 6, seed: UInt64(id)), content]))
        }
        let copies = (1...5).map { video(Int64($0), a.frames(from: 0, duration: 40, mirrored: $0 == 3, seed: 50 + UInt64($0))) }
        let others = (6...9).map { video(Int64($0), SyntheticRecording(seconds: 40, seed: 500 + UInt64($0)).frames(from: 0, duration: 40)) }
        let matcher = Matcher(references: copies + others)
        for q in copies {
            let segments = matcher.match(query: q)
            #expect(Set(segments.map(\.referenceVideoID)) == Set(copies.map(\.videoID)).subtracting([q.videoID]))
            for s in segments {
                // The content (6…45 s) links; the still opening is not what made the segment.
                expectClose(s.queryEnd, 45, "query end")
                #expect(s.queryStart <= 7)
            }
        }
        for q in others { #expect(matcher.match(query: q).isEmpty, "unrelated \(q.videoID) linked by the opening") }
        // Counting every video towards df, as a plain document frequency does, loses the cluster.
        var plain = MatchSettings()
        plain.strongLinkDuration = .infinity
        #expect(Matcher(references: copies + others, settings: plain).match(query: copies[0]).isEmpty)
    }

    @Test func flatAndLowQualityFramesDoNotLink() {
        // Two unrelated videos with 15 s of identical black frames (quality 0) and of a
        // low-quality blur (quality 40) in the middle.
        func video(_ id: Int64) -> VideoFrames {
            let own = SyntheticRecording(seconds: 60, seed: 600 + UInt64(id))
            let black = (0..<15).map { FrameHash(index: $0, timestamp: Double($0), quality: 0, hash: .zero, mirrorHash: .zero) }
            let blur = SyntheticRecording(seconds: 15, seed: 4343, bitsPerStep: 1).frames(from: 0, duration: 15, noise: 2, quality: 40, seed: UInt64(id))
            return VideoFrames(videoID: id, frames: concatenate([own.frames(from: 0, duration: 20), black, blur, own.frames(from: 20, duration: 20)]))
        }
        let videos = [video(1), video(2)]
        let matcher = Matcher(references: videos)
        #expect(matcher.match(query: videos[0]).isEmpty)
        #expect(matcher.match(query: videos[1]).isEmpty)
        // The same frames at good quality would link: the filter is what stops it.
        var settings = MatchSettings()
        settings.minQuality = 0
        #expect(!Matcher(references: videos, settings: settings).match(query: videos[0]).isEmpty)
    }

    @Test func unrelatedVideosGiveNoSegment() {
        let videos = (1...10).map { unrelated(Int64($0), seconds: 90) }
        let matcher = Matcher(references: videos)
        for v in videos { #expect(matcher.match(query: v).isEmpty) }
    }

    @Test func aQueryNeverMatchesItself() {
        let v = VideoFrames(videoID: 1, frames: a.frames(from: 0, duration: 30))
        #expect(Matcher(references: [v]).match(query: v).isEmpty)
    }
}
