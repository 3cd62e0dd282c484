import Testing
@testable import KeyprintMatch
import KeyprintModel

/// The named parts of the matcher (docs/matching.md, "The matcher's stages"): which hash a probe
/// or a reference entry is, told from the data the way the rules need it.
@Suite struct MatcherStagesTests {
    let chrome = SyntheticRecording(seconds: 10, seed: 7101)
    let pane = SyntheticRecording(seconds: 10, seed: 7102)

    /// Four frames 1 s apart: 0 a crop to the pane, 1 a frame of a shot without a region (its
    /// whole-frame hash in the region slot), 2 a region hash borrowed from frame 0 (its
    /// timestamp), 3 a crop too plain to use.
    func video(_ id: Int64) -> VideoFrames {
        let frames = chrome.frames(from: 0, duration: 4)
        var regions = pane.frames(from: 0, duration: 4)
        regions[1] = frames[1]
        regions[2] = regions[0]
        regions[3].quality = 10
        return VideoFrames(videoID: id, frames: frames, regionFrames: regions)
    }

    @Test func theRegionSlotSaysCropWholeFrameOrBorrowed() {
        let v = video(1)
        #expect(v.hasRegions)
        #expect(v.regionIsCrop(0) && !v.regionIsCrop(1))
        #expect(FrameHashKind(regionOf: v, frame: 0) == .region && FrameHashKind(regionOf: v, frame: 1) == .wholeFrameAsRegion)
        #expect(FrameHashKind.region.isCrop && !FrameHashKind.wholeFrameAsRegion.isCrop && !FrameHashKind.picture.isCrop)
        #expect((0..<4).map(v.isBorrowedRegion) == [false, false, true, false])
        #expect(!VideoFrames(videoID: 2, frames: v.frames).isBorrowedRegion(0))
    }

    @Test func probesNameTheirHashAndOrientation() {
        var settings = MatchSettings()
        settings.turnedProbes = false
        let v = video(1)
        let lookup = CandidateLookup(index: ReferenceIndex(references: [], settings: settings, prebuiltSeeds: nil), settings: settings)
        func kinds(_ f: Int) -> [String] {
            lookup.probes(of: v, frame: f, pictures: [:]).map { "\($0.kind) \($0.orientation)" }
        }
        #expect(kinds(0) == ["wholeFrame none", "wholeFrame mirror", "region none", "region mirror"])
        #expect(kinds(1) == ["wholeFrame none", "wholeFrame mirror", "wholeFrameAsRegion none", "wholeFrameAsRegion mirror"])
        // Borrowed and too plain region hashes are not looked up; the whole frame still is.
        #expect(kinds(2) == ["wholeFrame none", "wholeFrame mirror"])
        #expect(kinds(3) == ["wholeFrame none", "wholeFrame mirror"])
        let p = lookup.probes(of: v, frame: 0, pictures: [:])
        #expect(p[0].hash == v.frames[0].hash && p[1].hash == v.frames[0].mirrorHash && p[1].isMirrored && !p[1].isTurned)
        // Region-only matching: no whole-frame probes for a region video.
        settings.regionCheckedWholeFrames = false
        let regionOnly = CandidateLookup(index: ReferenceIndex(references: [], settings: settings, prebuiltSeeds: nil), settings: settings)
        #expect(regionOnly.probes(of: v, frame: 0, pictures: [:]).map(\.kind) == [.region, .region])
    }

    @Test func referenceEntriesFollowFromTheirPosition() {
        let index = ReferenceIndex(references: [video(1)], settings: MatchSettings(), prebuiltSeeds: nil)
        // 4 whole frames, no pictures, 4 region slots; indexed: the 4 whole frames and slots 0 and 1.
        #expect(index.entries(of: 0) == 0..<8)
        #expect(index.indexedCount == 6)
        let found = index.entries(of: 0).map { index.entry($0, of: 0).map { "\($0.frame) \($0.kind)" } ?? "-" }
        #expect(found == ["0 wholeFrame", "1 wholeFrame", "2 wholeFrame", "3 wholeFrame", "0 region", "1 wholeFrameAsRegion", "-", "-"])
        #expect(index.candidateSearch == .exhaustive && !index.reusedSeeds && index.seedTables == nil)
    }
}
