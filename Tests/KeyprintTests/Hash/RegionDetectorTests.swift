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

/// Synthetic luma thumbnails for the region detectors.
struct SyntheticLayout {
    var width: Int
    var height: Int
    /// Static texture: a fixed pattern that never changes.
    static func chrome(_ x: Int, _ y: Int) -> Float { y < 8 ? 200 : ((x / 4 + y / 4) % 2 == 0 ? 60 : 90) }
    /// Moving content: a travelling wave, different on every frame.
    static func moving(_ x: Int, _ y: Int, _ t: Int) -> Float {
        Float(128 + 100 * sin(Double(x) * 0.7 + Double(y) * 0.45 + Double(t) * 1.3))
    }

    func frames(count: Int, _ pixel: (Int, Int, Int) -> Float) -> [LumaFrame] {
        (0..<count).map { t in
            var p = [Float](repeating: 0, count: width * height)
            for y in 0..<height { for x in 0..<width { p[y * width + x] = pixel(x, y, t) } }
            return LumaFrame(index: t, timestamp: Double(t), width: width, height: height, pixels: p)
        }
    }
}

@Suite struct ActiveRegionDetectorTests {
    func expectRect(_ r: NormalizedRect?, x: Int, y: Int, w: Int, h: Int, of width: Int, _ height: Int,
                    sourceLocation: SourceLocation = #_sourceLocation) throws {
        let r = try #require(r, sourceLocation: sourceLocation)
        let px = r.pixels(frameWidth: width, frameHeight: height)
        #expect(abs(px.x - x) <= 1 && abs(px.y - y) <= 1 && abs(px.width - w) <= 1 && abs(px.height - h) <= 1,
                "got \(px), expected (\(x), \(y), \(w), \(h))", sourceLocation: sourceLocation)
    }

    @Test func findsTheRemotePaneInsideStaticChrome() async throws {
        let layout = SyntheticLayout(width: 96, height: 54)
        let frames = layout.frames(count: 12) { x, y, t in
            // A blinking 1-pixel clock in the top bar: a speck the opening removes.
            if x == 90 && y == 3 { return t % 2 == 0 ? 0 : 255 }
            // The self-view picture-in-picture, small and moving.
            if (80...89).contains(x) && (44...51).contains(y) { return SyntheticLayout.moving(x, y, t + 5) }
            // The remote pane.
            if (20...69).contains(x) && (12...47).contains(y) { return SyntheticLayout.moving(x, y, t) }
            return SyntheticLayout.chrome(x, y)
        }
        try expectRect(ActiveRegionDetector().detect(frames), x: 20, y: 12, w: 50, h: 36, of: 96, 54)
    }

    @Test func findsThePictureInsideBlackBars() async throws {
        let layout = SyntheticLayout(width: 64, height: 64)
        let frames = layout.frames(count: 10) { x, y, t in (14...49).contains(y) ? SyntheticLayout.moving(x, y, t) : 16 }
        try expectRect(ActiveRegionDetector().detect(frames), x: 0, y: 14, w: 64, h: 36, of: 64, 64)
    }

    @Test func staticVideoHasNoActiveRegion() {
        let layout = SyntheticLayout(width: 64, height: 36)
        let frames = layout.frames(count: 10) { x, y, _ in SyntheticLayout.chrome(x, y) }
        #expect(ActiveRegionDetector().detect(frames) == nil)
        #expect(ActiveRegionDetector().detect(Array(frames.prefix(1))) == nil)
        #expect(ActiveRegionDetector().detect([]) == nil)
    }

    @Test func wholeFrameMotionGivesTheWholeFrame() async throws {
        let layout = SyntheticLayout(width: 48, height: 27)
        let frames = layout.frames(count: 8) { x, y, t in SyntheticLayout.moving(x, y, t) }
        #expect(try #require(ActiveRegionDetector().detect(frames)).isFull)
    }
}

@Suite struct LetterboxDetectorTests {
    let layout = SyntheticLayout(width: 64, height: 64)

    @Test func blackLetterboxBarsAreRemoved() {
        let frames = layout.frames(count: 6) { x, y, t in (14...49).contains(y) ? SyntheticLayout.moving(x, y, t) : 16 }
        let r = LetterboxDetector().detect(frames)
        #expect(r.pixels(frameWidth: 64, frameHeight: 64) == (0, 14, 64, 36))
    }

    @Test func blurredPillarboxBarsAreRemoved() {
        // A portrait-style re-upload: blurred, slowly varying fill left and right of the picture.
        let frames = layout.frames(count: 6) { x, y, t in
            (16...47).contains(x) ? SyntheticLayout.moving(x, y, t) : 90 + 0.3 * Float(y) + 0.2 * Float(x % 16) + Float(t)
        }
        let r = LetterboxDetector().detect(frames)
        #expect(r.pixels(frameWidth: 64, frameHeight: 64) == (16, 0, 32, 64))
    }

    @Test func blurredBarKeepingSomeDetailIsPairedWithTheOppositeBar() {
        // Portrait re-upload with a blurred fill: the top bar is flat, the bottom one keeps a
        // third of the picture's detail (above relativeDetail, below pairedDetail).
        let frames = layout.frames(count: 6) { x, y, t in
            if (20...43).contains(y) { return SyntheticLayout.moving(x, y, t) }
            return y < 20 ? 90 : 90 + (x % 2 == 0 ? 15 : 0) + Float(t)
        }
        #expect(LetterboxDetector().detect(frames).pixels(frameWidth: 64, frameHeight: 64) == (0, 20, 64, 24))
        var unpaired = LetterboxDetector()
        unpaired.pairedDetail = unpaired.relativeDetail
        #expect(unpaired.detect(frames).pixels(frameWidth: 64, frameHeight: 64) == (0, 20, 64, 44))
        // Picture detail (above pairedDetail) on the opposite side is not a bar.
        let detailed = layout.frames(count: 6) { x, y, t in
            if (20...43).contains(y) { return SyntheticLayout.moving(x, y, t) }
            return y < 20 ? 90 : 90 + (x % 2 == 0 ? 30 : 0) + Float(t)
        }
        #expect(LetterboxDetector().detect(detailed).pixels(frameWidth: 64, frameHeight: 64) == (0, 20, 64, 44))
    }

    @Test func barsOnAllSidesAreRemoved() {
        let frames = layout.frames(count: 4) { x, y, t in
            (8...55).contains(x) && (10...53).contains(y) ? SyntheticLayout.moving(x, y, t) : 0
        }
        #expect(LetterboxDetector().detect(frames).pixels(frameWidth: 64, frameHeight: 64) == (8, 10, 48, 44))
    }

    @Test func pictureWithoutBarsIsLeftWhole() {
        let frames = layout.frames(count: 4) { x, y, t in SyntheticLayout.moving(x, y, t) }
        #expect(LetterboxDetector().detect(frames) == .full)
    }

    @Test func blackVideoGivesNoEvidence() {
        let frames = layout.frames(count: 4) { _, _, _ in 0 }
        #expect(LetterboxDetector().detect(frames) == .full)
        #expect(LetterboxDetector().detect([]) == .full)
    }
}

@Suite struct ContentRegionDetectorTests {
    @Test func openingScreenBeforeTheLayoutDoesNotGrowThePane() async throws {
        // 3 of 15 samples are a different, static opening screen everywhere; then chrome with a
        // moving pane. A plain standard deviation would mark the whole frame as moving.
        let layout = SyntheticLayout(width: 96, height: 54)
        let frames = layout.frames(count: 15) { x, y, t in
            if t < 3 { return 30 + Float((x * 7 + y * 3) % 50) }
            if (20...69).contains(x) && (12...47).contains(y) { return SyntheticLayout.moving(x, y, t) }
            return SyntheticLayout.chrome(x, y)
        }
        let r = try #require(ActiveRegionDetector().detect(frames))
        let px = r.pixels(frameWidth: 96, frameHeight: 54)
        #expect(abs(px.x - 20) <= 1 && abs(px.y - 12) <= 1 && abs(px.width - 50) <= 1 && abs(px.height - 36) <= 1, "\(px)")
    }

    @Test func paneInsideLetterboxedCaptureIsFoundInFullFrameCoordinates() async throws {
        // A 96×54 capture (chrome + pane at 20…69 × 12…47) shown inside a 96×96 frame with black
        // bars above and below (rows 21…74).
        let layout = SyntheticLayout(width: 96, height: 96)
        let frames = layout.frames(count: 10) { x, y, t in
            guard (21...74).contains(y) else { return 0 }
            let cy = y - 21
            if (20...69).contains(x) && (12...47).contains(cy) { return SyntheticLayout.moving(x, cy, t) }
            return SyntheticLayout.chrome(x, cy)
        }
        let r = try #require(ContentRegionDetector().detect(frames))
        let px = r.pixels(frameWidth: 96, frameHeight: 96)
        #expect(abs(px.x - 20) <= 1 && abs(px.y - 33) <= 1 && abs(px.width - 50) <= 1 && abs(px.height - 36) <= 1, "\(px)")
    }

    @Test func wholeFrameContentGivesNoRegion() {
        let frames = SyntheticLayout(width: 64, height: 36).frames(count: 6) { x, y, t in SyntheticLayout.moving(x, y, t) }
        #expect(ContentRegionDetector().detect(frames) == nil)
    }

    @Test func cropAndThumbnail() {
        let frame = LumaFrame(index: 0, timestamp: 0, width: 4, height: 2, pixels: [0, 1, 2, 3, 4, 5, 6, 7])
        let crop = frame.cropped(to: NormalizedRect(x: 0.5, y: 0.5, width: 0.5, height: 0.5))
        #expect(crop.width == 2 && crop.height == 1 && crop.pixels == [6, 7])
        let thumb = frame.thumbnail(width: 2)
        #expect(thumb.width == 2 && thumb.height == 1 && thumb.pixels == [2.5, 4.5])
    }
}

/// The picture inside letterbox bars, on real re-uploads of samples/.
@Suite struct LetterboxPictureTests {
    static func thumbnails(_ relative: String) throws -> [LumaFrame] {
        var out: [LumaFrame] = []
        let reader = try VideoReader(path: TestPaths.samples.appendingPathComponent(relative).path,
                                     options: DecodeOptions(sampling: .interval(seconds: 1)))
        try reader.forEachSample { out.append($0.thumbnail(width: 160)) }
        return out
    }

    @Test func pictureOfAPaddedPortraitReUploadIsTheWholeCapture() async throws {
        // call-b scaled to 360 × 202 and padded with black to 360 × 640 at y = 219. The chat
        // chrome's own flat rows and margins next to the padding belong to the picture.
        let found = ContentRegionDetector().detectRegionAndPicture(try Self.thumbnails("reuploads/call-b-letterbox-portrait.mp4"))
        let picture = try #require(found.picture)
        #expect(abs(picture.x) < 0.01 && abs(picture.width - 1) < 0.01, "\(picture)")
        #expect(abs(picture.y - 219.0 / 640) < 0.01 && abs(picture.height - 202.0 / 640) < 0.01, "\(picture)")
        // The content region (the pane) is a smaller part of it.
        let region = try #require(found.region)
        #expect(region.area < 0.8 * picture.area)
    }

    @Test func noPictureWithoutRealBars() async throws {
        // A chat capture: flat chrome strips along its edges are not a re-upload's bars.
        #expect(ContentRegionDetector().detectRegionAndPicture(try Self.thumbnails("captures/call-a.mp4")).picture == nil)
    }

    @Test func blurredBarsKeepTheLetterboxDetectorsEdges() async throws {
        let thumbs = try Self.thumbnails("reuploads/call-c-letterbox-blur.mp4")
        let d = ContentRegionDetector()
        let picture = try #require(d.detectRegionAndPicture(thumbs).picture)
        #expect(picture == d.letterbox.detect(thumbs))
    }
}
