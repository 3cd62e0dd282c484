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

@Suite struct ShotRegionTests {
    let layout = SyntheticLayout(width: 96, height: 54)

    /// Full-frame content that changes everywhere on every frame (an intro, other footage).
    func fullFrame(count: Int, seed: Int) -> [LumaFrame] {
        layout.frames(count: count) { x, y, t in
            Float(128 + 110 * sin(Double(x) * 0.9 + Double(y) * 0.3 + Double(t + seed) * 2.1))
        }
    }

    /// A chat layout: static chrome, the remote pane at x 20…69, y 12…47.
    func capture(count: Int) -> [LumaFrame] {
        layout.frames(count: count) { x, y, t in
            (20...69).contains(x) && (12...47).contains(y) ? SyntheticLayout.moving(x, y, t) : SyntheticLayout.chrome(x, y)
        }
    }

    func concatenated(_ parts: [[LumaFrame]]) -> [LumaFrame] {
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

    @Test func cutsAreFoundWhereTheLayoutChangesNotWhereThePaneChanges() {
        let frames = concatenated([fullFrame(count: 3, seed: 0), capture(count: 8), fullFrame(count: 2, seed: 50)])
        let cuts = ShotBoundaryDetector().cuts(frames)
        // Full-frame content changes everywhere each frame: cuts at 1 and 2 inside the intro,
        // then into the capture (3), none inside it, then out of it (11) and inside the outro (12).
        #expect(cuts == [1, 2, 3, 11, 12])
        #expect(ShotBoundaryDetector().cuts(capture(count: 10)).isEmpty)
    }

    @Test func aCompilationGetsThePaneForItsCaptureShot() async throws {
        let frames = concatenated([fullFrame(count: 3, seed: 0), capture(count: 8), fullFrame(count: 2, seed: 50)])
        let shots = ContentRegionDetector().detectShots(frames)
        #expect(shots.map(\.startTime) == [0, 1, 2, 3, 11, 12])
        let pane = try #require(ShotRegion.region(at: 5, in: shots))
        let px = pane.pixels(frameWidth: 96, frameHeight: 54)
        #expect(abs(px.x - 20) <= 1 && abs(px.y - 12) <= 1 && abs(px.width - 50) <= 1 && abs(px.height - 36) <= 1, "\(px)")
        #expect(ShotRegion.region(at: 0.5, in: shots) == nil)
        #expect(ShotRegion.region(at: 11.5, in: shots) == nil)
        // One region for the whole video (the old recipe) is the whole frame: no pane at all.
        #expect(ContentRegionDetector().detect(frames) == nil)
    }

    @Test func aVideoWithoutCutsIsOneShotWithTheVideoRegion() {
        let frames = capture(count: 10)
        let shots = ContentRegionDetector().detectShots(frames)
        #expect(shots == [ShotRegion(startTime: 0, region: ContentRegionDetector().detect(frames))])
        #expect(shots[0].region != nil)
        #expect(ContentRegionDetector().detectShots([]).isEmpty)
    }

    @Test func aPaneMovingInTwoSeparatePartsGivesTheWholePane() async throws {
        // The pane's middle column band stays still (a static background between a moving head
        // on the left and one on the right); both parts are the picture.
        let frames = layout.frames(count: 12) { x, y, t in
            guard (20...69).contains(x) && (12...47).contains(y) else { return SyntheticLayout.chrome(x, y) }
            return (38...51).contains(x) ? 100 : SyntheticLayout.moving(x, y, t)
        }
        let r = try #require(ActiveRegionDetector().detect(frames))
        let px = r.pixels(frameWidth: 96, frameHeight: 54)
        #expect(abs(px.x - 20) <= 1 && abs(px.width - 50) <= 1, "\(px)")
        // Only the largest part, as before, would be one side of it.
        var largestOnly = ActiveRegionDetector()
        largestOnly.partFraction = 2
        let half = try #require(largestOnly.detect(frames)).pixels(frameWidth: 96, frameHeight: 54)
        #expect(half.width < 25, "\(half)")
    }
}
