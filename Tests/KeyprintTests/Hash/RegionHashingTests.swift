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

/// The streaming per-shot region hashes of the scan (`RegionHashing`), against the
/// all-in-memory recipe: thumbnails of every sample → `ContentRegionDetector.detectShots` →
/// each frame cropped to `ShotRegion.region(at:in:)`, or its whole frame in a shot without one.
@Suite struct RegionHashingTests {
    static let width = 320, height = 180
    static let layout = SyntheticLayout(width: width, height: height)

    /// Frames of whole luma levels, as a grey 8-bit decode gives (the buffer keeps luma to 1/256
    /// of a level, so on these it is exact; on real decodes see the samples test below).
    static func frames(count: Int, _ pixel: (Int, Int, Int) -> Float) -> [LumaFrame] {
        layout.frames(count: count) { x, y, t in pixel(x, y, t).rounded() }
    }

    /// Static chrome with a moving pane at x 40…239, y 30…149.
    static func capture(_ count: Int) -> [LumaFrame] {
        frames(count: count) { x, y, t in
            (40...239).contains(x) && (30...149).contains(y) ? SyntheticLayout.moving(x, y, t) : SyntheticLayout.chrome(x, y)
        }
    }

    /// Another layout: light chrome, a pane at x 160…299, y 20…119.
    static func otherCapture(_ count: Int) -> [LumaFrame] {
        frames(count: count) { x, y, t in
            (160...299).contains(x) && (20...119).contains(y) ? SyntheticLayout.moving(x, y, t + 7) : 240 - SyntheticLayout.chrome(x, y) / 2
        }
    }

    /// Full-frame content changing everywhere on every frame (other footage).
    static func fullFrame(_ count: Int) -> [LumaFrame] {
        frames(count: count) { x, y, t in Float(128 + 110 * sin(Double(x) * 0.9 + Double(y) * 0.3 + Double(t) * 2.1)) }
    }

    static func concatenated(_ parts: [[LumaFrame]]) -> [LumaFrame] {
        var out: [LumaFrame] = []
        for part in parts {
            for var f in part {
                f.index = out.count
                f.timestamp = Double(out.count)
                out.append(f)
            }
        }
        return out
    }

    static func wholeHash(_ frame: LumaFrame) -> FrameHash {
        let r = PDQHasher(exactMirror: true).hash(frame)
        return FrameHash(index: frame.index, timestamp: frame.timestamp, quality: r.quality, hash: r.hash,
                         mirrorHash: r.exactMirrorHash ?? r.hash(.flipX), dihedral: r.dihedralHashes)
    }

    /// The hash of one frame's crop computed directly from the decoded luma, as the library
    /// recipe does, rounded to the fixed point that `RegionHashing` hashes every crop from (so
    /// that a region hash does not depend on whether its frame was buffered).
    static func directHash(_ frame: LumaFrame, _ region: NormalizedRect) -> FrameHash {
        var crop = frame.cropped(to: region)
        crop.pixels = crop.pixels.map { RegionHashing.fixed($0) / RegionHashing.fixedPoint }
        return wholeHash(crop)
    }

    /// The library recipe with every frame in memory: shots and regions on thumbnails, each
    /// shot's region refined by all its frames (`RegionEdgeRefiner`, on the fixed-point luma).
    static func reference(_ frames: [LumaFrame]) -> (shots: [ShotRegion], regionFrames: [FrameHash]) {
        let coarse = ContentRegionDetector().detectShots(frames.map { $0.thumbnail(width: 160) })
        let ends = coarse.dropFirst().map(\.startTime) + [.infinity]
        let shots = zip(coarse, ends).map { shot, end -> ShotRegion in
            let own = frames.filter { $0.timestamp >= shot.startTime - 1e-9 && $0.timestamp < end - 1e-9 }
            guard let region = shot.region, let first = own.first else { return shot }
            let same = own.filter { $0.width == first.width && $0.height == first.height }
            let refined = RegionEdgeRefiner(frameWidth: first.width, thumbnailWidth: 160)
                .refine(region, width: first.width, height: first.height, frameCount: same.count) { k, o in
                    RegionHashing.fixed(same[k].pixels[o]) / RegionHashing.fixedPoint
                }
            return ShotRegion(startTime: shot.startTime, region: refined)
        }
        guard shots.contains(where: { $0.region != nil }) else { return ([], []) }
        return (shots, frames.map { f in ShotRegion.region(at: f.timestamp, in: shots).map { directHash(f, $0) } ?? wholeHash(f) })
    }

    static func streamed(_ frames: [LumaFrame], configure: (inout RegionHashing) -> Void = { _ in })
        -> (shots: [ShotRegion], regionFrames: [FrameHash]) {
        var hashing = RegionHashing()
        configure(&hashing)
        for f in frames { hashing.add(f, whole: wholeHash(f)) }
        return hashing.finish()
    }

    static func expectPane(_ region: NormalizedRect?, x: Int, y: Int, w: Int, h: Int,
                           sourceLocation: SourceLocation = #_sourceLocation) throws {
        let px = try #require(region, sourceLocation: sourceLocation).pixels(frameWidth: width, frameHeight: height)
        #expect(abs(px.x - x) <= 2 && abs(px.y - y) <= 2 && abs(px.width - w) <= 3 && abs(px.height - h) <= 3, "\(px)",
                sourceLocation: sourceLocation)
    }

    @Test func aVideoWithoutCutsIsOneShotHashedLikeTheRecipe() async throws {
        let frames = Self.capture(20)
        let out = Self.streamed(frames)
        #expect(out.shots.count == 1 && out.shots[0].startTime == 0)
        try Self.expectPane(out.shots[0].region, x: 40, y: 30, w: 200, h: 120)
        #expect(out.regionFrames.map(\.index) == frames.map(\.index) && out.regionFrames.map(\.timestamp) == frames.map(\.timestamp))
        let reference = Self.reference(frames)
        #expect(out.shots == reference.shots)
        #expect(out.regionFrames == reference.regionFrames)
    }

    @Test func aCompilationGetsARegionPerShotExactlyAsTheRecipe() async throws {
        // An intro of full-frame footage (one-frame shots), a capture, a 2-sample capture
        // excerpt (too short for a region), other footage, then another layout.
        let frames = Self.concatenated([Self.fullFrame(3), Self.capture(12), Self.fullFrame(1), Self.otherCapture(2),
                                        Self.fullFrame(2), Self.otherCapture(10)])
        let out = Self.streamed(frames)
        let reference = Self.reference(frames)
        #expect(out.shots == reference.shots)
        #expect(out.regionFrames == reference.regionFrames)
        try Self.expectPane(ShotRegion.region(at: 8, in: out.shots), x: 40, y: 30, w: 200, h: 120)
        try Self.expectPane(ShotRegion.region(at: 25, in: out.shots), x: 160, y: 20, w: 140, h: 100)
        // The intro, the short excerpt and the footage have no region: their whole frames (the
        // footage's last frame and the light layout are too alike for a cut, it joins the layout).
        for t in [0, 1, 2, 15, 16, 17, 18] {
            #expect(ShotRegion.region(at: Double(t), in: out.shots) == nil, "t \(t)")
            #expect(out.regionFrames[t] == Self.wholeHash(frames[t]), "t \(t)")
        }
        // One region for the whole video does not find either pane.
        #expect(Self.streamed(frames) { $0.perShot = false }.shots == [])
    }

    /// The pane moves throughout; a second part beside it (x 250…309) starts to move at
    /// `secondFrom` (no cut: the chrome stays).
    static func growingLayout(count: Int, secondFrom: Int) -> [LumaFrame] {
        frames(count: count) { x, y, t in
            if (40...239).contains(x) && (30...149).contains(y) { return SyntheticLayout.moving(x, y, t) }
            if t >= secondFrom && (250...309).contains(x) && (30...149).contains(y) { return SyntheticLayout.moving(x, y, t + 3) }
            return SyntheticLayout.chrome(x, y)
        }
    }

    @Test func aShotLongerThanTheBufferIsDecidedOnItsFirstFrames() async throws {
        // The second part moves from frame 30 of 60: the region is decided when the 30-frame
        // buffer fills, so it is the pane alone, and every later frame is cropped to it.
        let frames = Self.growingLayout(count: 60, secondFrom: 30)
        let out = Self.streamed(frames)
        #expect(out.shots.count == 1)
        let pane = try #require(out.shots[0].region)
        try Self.expectPane(pane, x: 40, y: 30, w: 200, h: 120)
        #expect(out.regionFrames == frames.map { Self.directHash($0, pane) })
        // With all frames in memory the second part widens the box.
        try Self.expectPane(Self.reference(frames).shots.first?.region, x: 40, y: 30, w: 270, h: 120)
    }

    @Test func theByteCapDecidesEarlier() async throws {
        // 320 × 180 × 2 = 115 200 bytes a frame: a 400 000-byte cap holds 3 frames, before the
        // second part starts to move (frame 5); the 30-frame buffer sees it.
        let frames = Self.growingLayout(count: 20, secondFrom: 5)
        let capped = Self.streamed(frames) { $0.maxBufferedBytes = 400_000 }
        try Self.expectPane(capped.shots.first?.region, x: 40, y: 30, w: 200, h: 120)
        #expect(capped.shots.count == 1 && capped.regionFrames.count == 20)
        try Self.expectPane(Self.streamed(frames).shots.first?.region, x: 40, y: 30, w: 270, h: 120)
    }

    @Test func noRegionMeansNoRegionHashes() {
        // Every pixel moves: one-frame shots, none with a region.
        let out = Self.streamed(Self.fullFrame(12))
        #expect(out.shots.isEmpty && out.regionFrames.isEmpty)
        #expect(Self.streamed([]).shots.isEmpty)
    }

    @Test func samplingDenserThanOneASecondIsDense() {
        #expect(RegionHashing.isDense(.allFrames) && RegionHashing.isDense(.interval(seconds: 0.25)) && RegionHashing.isDense(.interval(seconds: 0.5)))
        #expect(!RegionHashing.isDense(.interval(seconds: 1)) && !RegionHashing.isDense(.interval(seconds: 2)) && !RegionHashing.isDense(.keyframes))
    }

    /// Real captures at 1 s: the streaming scan code equals the recipe on decoded frames.
    @Test(arguments: ["reuploads/compilation.mp4", "captures/call-a.mp4"])
    func streamingEqualsTheAllInMemoryRecipeOnSamples(_ path: String) async throws {
        let file = TestPaths.samples.appendingPathComponent(path).path
        let options = DecodeOptions(sampling: .interval(seconds: 1))
        var frames: [LumaFrame] = []
        _ = try VideoReader(path: file, options: options).forEachSample { frames.append($0) }
        let reference = Self.reference(frames)
        let scanned = try VideoHasher.hashWithRegions(path: file, options: options, regions: true)
        #expect(!reference.shots.isEmpty)
        #expect(scanned.shots == reference.shots)
        #expect(scanned.frames == frames.map(Self.wholeHash))
        #expect(scanned.regionFrames == reference.regionFrames)
        if path == "reuploads/compilation.mp4" {
            #expect(scanned.shots.count > 1, "the compilation has cuts: \(scanned.shots)")
        }
        // Every shot fits in the buffer here, so the recipe is exact: check that premise.
        let longest = zip(reference.shots, reference.shots.dropFirst().map(\.startTime) + [.infinity]).map { shot, end in
            frames.filter { $0.timestamp >= shot.startTime - 1e-9 && $0.timestamp < end - 1e-9 }.count
        }.max() ?? 0
        #expect(longest <= RegionHashing().maxBufferedFrames)
    }

    /// Dense sampling finds shots and regions in the same pass on the frames a 1-s scan
    /// samples: the same shots as that scan. Every-frame sampling hashes regions on that subset
    /// only (the same region hashes, each at the index and timestamp of one of the dense scan's
    /// own frames); interval sampling gives every sample the hash of its shot's region, the
    /// 1-s subset's equal to the 1-s scan's.
    @Test(arguments: [SamplingMode.interval(seconds: 0.25), .allFrames])
    func denseSamplingFindsRegionsOnTheOneSecondSubset(_ sampling: SamplingMode) async throws {
        let file = TestPaths.samples.appendingPathComponent("reuploads/compilation.mp4").path
        // Both with their default luma: a dense scan's 1-s frames take vPDQ's exact luma, as a
        // 1-s scan's do (`DecodeOptions.exactLumaInterval`).
        let everySecond = try VideoHasher.hashWithRegions(path: file, options: DecodeOptions(sampling: .interval(seconds: 1)), regions: true)
        let dense = try VideoHasher.hashWithRegions(path: file, options: DecodeOptions(sampling: sampling), regions: true)
        #expect(everySecond.shots.count > 1 && dense.shots == everySecond.shots)
        #expect(dense.frames.count > 3 * everySecond.frames.count)
        let denseFrames = Set(dense.frames.map { "\($0.index)@\($0.timestamp)" })
        #expect(dense.regionFrames.allSatisfy { denseFrames.contains("\($0.index)@\($0.timestamp)") })
        if RegionHashing.hashesEverySample(sampling) {
            #expect(dense.regionFrames.map(\.index) == dense.frames.map(\.index))
            let oneSecond = Set(everySecond.frames.map(\.index))
            #expect(dense.regionFrames.filter { oneSecond.contains($0.index) } == everySecond.regionFrames)
            // The samples between are cropped, not given their whole-frame hash: in a shot
            // with a region most differ from it.
            let between = zip(dense.frames, dense.regionFrames).filter { !oneSecond.contains($0.0.index) }
            let cropped = between.filter { $0.0.hash != $0.1.hash }.count
            #expect(cropped * 2 > between.count, "\(cropped) of \(between.count) in-between samples have a region hash of their own")
        } else {
            #expect(dense.regionFrames == everySecond.regionFrames)
        }
    }

    @Test func intervalSamplingHashesRegionsOnEverySample() {
        #expect(RegionHashing.hashesEverySample(.interval(seconds: 0.5)) && RegionHashing.hashesEverySample(.interval(seconds: 1)))
        #expect(!RegionHashing.hashesEverySample(.allFrames) && !RegionHashing.hashesEverySample(.keyframes))
    }
}
