import Foundation
import Testing
@testable import KeyprintModel
@testable import KeyprintHash

/// `RegionEdgeRefiner`: a region found on 160-px thumbnails gets its edges on the
/// full-resolution lines where the moving picture starts.
@Suite struct RegionEdgeRefinerTests {
    static let width = 800, height = 450

    /// Static chrome (a gradient) with a moving pane at columns `x0…x1`, rows `y0…y1`;
    /// `still` (optional) is a static box inside the pane, like a watermark.
    static func frames(_ x0: Int, _ x1: Int, _ y0: Int, _ y1: Int, count: Int = 12,
                       still: (x: ClosedRange<Int>, y: ClosedRange<Int>)? = nil) -> [LumaFrame] {
        (0..<count).map { t in
            var pixels = [Float](repeating: 0, count: width * height)
            for y in 0..<height {
                for x in 0..<width {
                    let inPane = (x0...x1).contains(x) && (y0...y1).contains(y)
                    let isStill = still.map { $0.x.contains(x) && $0.y.contains(y) } ?? false
                    pixels[y * width + x] = inPane && !isStill
                        ? Float(128 + 100 * sin(Double(x) * 0.05 + Double(y) * 0.03 + Double(t) * 1.7))
                        : Float(40 + (x + y) % 7)
                }
            }
            return LumaFrame(index: t, timestamp: Double(t), width: width, height: height, pixels: pixels)
        }
    }

    static func refined(_ frames: [LumaFrame], _ coarse: NormalizedRect) -> (x: Int, y: Int, width: Int, height: Int) {
        RegionEdgeRefiner(frameWidth: width, thumbnailWidth: 160)
            .refine(coarse, width: width, height: height, frameCount: frames.count) { k, o in frames[k].pixels[o] }
            .pixels(frameWidth: width, frameHeight: height)
    }

    @Test func aThumbnailBoxGrownByAPixelOnEverySideIsCutBackToThePane() {
        // The pane does not start on the thumbnail's 5-px grid: the detector's box is larger.
        let frames = Self.frames(103, 596, 57, 391)
        let coarse = ContentRegionDetector().detect(frames.map { $0.thumbnail(width: 160) })
        let box = try! #require(coarse).pixels(frameWidth: Self.width, frameHeight: Self.height)
        #expect(box != (103, 57, 494, 335), "the premise: the thumbnail box is not the pane (\(box))")
        let px = Self.refined(frames, coarse!)
        #expect(px == (103, 57, 494, 335), "\(px)")
    }

    @Test func aBoxShortOfThePaneGrowsToIt() {
        let frames = Self.frames(100, 599, 50, 399)
        let coarse = NormalizedRect(columns: 104, 595, rows: 54, 395, width: Self.width, height: Self.height)
        #expect(Self.refined(frames, coarse) == (100, 50, 500, 350))
    }

    @Test func aStillBoxOverPartOfTheEdgeDoesNotMoveIt() {
        // A static watermark over a third of the right edge's rows, inside the pane.
        let frames = Self.frames(100, 599, 50, 399, still: (x: 520...599, y: 60...180))
        let coarse = NormalizedRect(columns: 97, 602, rows: 47, 402, width: Self.width, height: Self.height)
        #expect(Self.refined(frames, coarse) == (100, 50, 500, 350))
    }

    @Test func edgesWithoutMotionStayWhereTheyWere() {
        // Nothing moves: every side keeps the coarse box, and one frame is no evidence at all.
        let still = (0..<6).map { t in
            LumaFrame(index: t, timestamp: Double(t), width: Self.width, height: Self.height,
                      pixels: [Float](repeating: 90, count: Self.width * Self.height))
        }
        let coarse = NormalizedRect(columns: 97, 602, rows: 47, 402, width: Self.width, height: Self.height)
        #expect(Self.refined(still, coarse) == (97, 47, 506, 356))
        let one = Array(Self.frames(100, 599, 50, 399).prefix(1))
        #expect(Self.refined(one, coarse) == (97, 47, 506, 356))
    }
}
