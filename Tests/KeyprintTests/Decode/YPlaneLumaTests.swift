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

/// The Y-plane luma (the default under dense sampling) against the exact vPDQ route (swscale RGB, then
/// PDQ's weights) on real decoded frames.
@Suite struct YPlaneLumaTests {
    /// The first sampled frames of `path`, default and exact luma side by side.
    static func planes(_ path: String, count: Int = 3) throws -> [(yPlane: LumaFrame, rgb: LumaFrame)] {
        func frames(exact: Bool) throws -> [LumaFrame] {
            var out: [LumaFrame] = []
            let reader = try VideoReader(path: path, options: DecodeOptions(sampling: .interval(seconds: 1), exactVPDQLuma: exact))
            try reader.forEachSample { if out.count < count { out.append($0) } }
            return out
        }
        let fast = try frames(exact: false), exact = try frames(exact: true)
        #expect(fast.count == count && exact.count == count)
        return Array(zip(fast, exact))
    }

    /// Mean |a − b|, mean a − b (the bias) and the share of pixels whose a − b lies more than
    /// `bound` from the bias.
    static func difference(_ a: LumaFrame, _ b: LumaFrame, bound: Float) -> (mean: Float, bias: Float, beyond: Double) {
        precondition(a.pixels.count == b.pixels.count)
        let n = Float(a.pixels.count)
        let diffs = zip(a.pixels, b.pixels).map { $0 - $1 }
        let bias = diffs.reduce(0, +) / n
        let mean = diffs.reduce(0) { $0 + abs($1) } / n
        let beyond = diffs.filter { abs($0 - bias) > bound }.count
        return (mean, bias, Double(beyond) / Double(n))
    }

    /// Limited-range H.264 (yuv420p) of camera-like pictures: 255/219·(Y−16) is the RGB route's
    /// luma within about one level. Measured: the RGB route (swscale's default, inexact
    /// rounding) sits 0.9–1.0 level lower throughout, a constant that PDQ's DCT (no DC term)
    /// does not see; around it 99 % of pixels agree within one level. Saturated synthetic
    /// colours (test patterns) differ more where R, G or B clip.
    @Test(arguments: ["captures/call-a.mp4", "reuploads/call-c-letterbox-blur.mp4"])
    func limitedRangeAgreesWithTheRGBRoute(_ relative: String) async throws {
        for (fast, exact) in try Self.planes(TestPaths.samples.appendingPathComponent(relative).path) {
            #expect(fast.width == exact.width && fast.height == exact.height && fast.timestamp == exact.timestamp)
            let d = Self.difference(fast, exact, bound: 1)
            #expect(d.mean <= 1.2 && abs(d.bias) <= 1.2, "\(relative) t=\(fast.timestamp): mean |d| \(d.mean), bias \(d.bias)")
            #expect(d.beyond <= 0.01, "\(relative) t=\(fast.timestamp): \(d.beyond * 100)% of pixels more than 1 level off the bias \(d.bias)")
            // Not the same computation: the RGB route's rounding shows.
            #expect(fast.pixels != exact.pixels)
        }
    }

    /// Full range (yuvj420p, as MJPEG and JPEG give): the luma is Y itself.
    @Test func fullRangeIsYItself() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let path = folder.path + "/full.avi"
        try TestVideos.run("ffmpeg", ["-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=5", "-t", "2",
                                      "-c:v", "mjpeg", "-pix_fmt", "yuvj420p", "-q:v", "3", path])
        for (fast, exact) in try Self.planes(path, count: 2) {
            let d = Self.difference(fast, exact, bound: 1)
            #expect(d.mean <= 0.6 && abs(d.bias) <= 0.5, "mean |d| \(d.mean), bias \(d.bias)")
            // Integer levels: Y unchanged (a limited-range stretch would give fractions).
            #expect(fast.pixels.allSatisfy { $0 == $0.rounded() })
        }
    }

    /// Formats without an 8-bit Y plane take the RGB route whatever the option says.
    @Test func tenBitVideoTakesTheRGBRoute() async throws {
        for (fast, exact) in try Self.planes(TestPaths.samples.appendingPathComponent("decode/hevc-10bit.mp4").path, count: 2) {
            #expect(fast.pixels == exact.pixels)
        }
    }

    @Test func limitedRangeLevels() {
        #expect(YPlaneLuma.level(16) == 0 && YPlaneLuma.level(235) == 255)
        #expect(YPlaneLuma.level(0) == 0 && YPlaneLuma.level(255) == 255)
        #expect(abs(YPlaneLuma.level(126) - 128.082) < 0.001)
    }
}

/// Dense sampling with the Y-plane luma still hashes the 1-s subset the exact way, so a dense
/// scan is a 1-s scan's frames plus the frames in between.
@Suite struct DenseScanContainsTheOneSecondScanTests {
    @Test(arguments: ["reuploads/call-c-letterbox-blur.mp4", "reuploads/call-b-15fps.mov"])
    func oneSecondFramesAreIdenticalInsideADenseScan(_ relative: String) async throws {
        let path = TestPaths.samples.appendingPathComponent(relative).path
        let sparse = try VideoHasher.hashes(path: path, options: DecodeOptions(sampling: .interval(seconds: 1)))
        let dense = try VideoHasher.hashes(path: path, options: DecodeOptions(sampling: .allFrames))
        #expect(DecodeOptions(sampling: .allFrames).exactLumaInterval == 1)
        #expect(!sparse.isEmpty && dense.count > 4 * sparse.count)
        let byTime = Dictionary(dense.map { ($0.timestamp, $0) }, uniquingKeysWith: { a, _ in a })
        for f in sparse {
            let d = try #require(byTime[f.timestamp], "no dense frame at \(f.timestamp)")
            #expect(d.hash == f.hash && d.mirrorHash == f.mirrorHash && d.quality == f.quality, "frame at \(f.timestamp)")
        }
        // The frames in between take the Y-plane route: at least some hash differently from
        // the exact route (the test would pass vacuously if every frame were exact).
        let exactDense = try VideoHasher.hashes(path: path, options: DecodeOptions(sampling: .allFrames, exactVPDQLuma: true))
        let sparseTimes = Set(sparse.map(\.timestamp))
        let differing = zip(dense, exactDense).filter { !sparseTimes.contains($0.0.timestamp) && $0.0.hash != $0.1.hash }
        #expect(!differing.isEmpty)
    }
}
