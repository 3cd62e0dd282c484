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

@Suite struct PDQHasherTests {
    /// A synthetic image with structure in both directions.
    static func pattern(width: Int, height: Int) -> [Float] {
        var pixels = [Float](repeating: 0, count: width * height)
        for y in 0..<height {
            for x in 0..<width {
                let fx = Float(x) / Float(width), fy = Float(y) / Float(height)
                var v: Float = 128 + 60 * sinf(fx * 13 + fy * 3) + 50 * cosf(fy * 9 - fx * 2)
                if (x / 16 + y / 24) % 3 == 0 { v -= 40 }
                pixels[y * width + x] = max(0, min(255, v))
            }
        }
        return pixels
    }

    @Test func flatImageHasZeroQuality() {
        let result = PDQHasher().hash(luma: [Float](repeating: 0, count: 100 * 80), width: 100, height: 80)
        #expect(result.quality == 0)
    }

    @Test func structuredImageHasHighQualityAndBalancedBits() {
        let result = PDQHasher().hash(luma: Self.pattern(width: 320, height: 240), width: 320, height: 240)
        #expect(result.quality >= 80)
        // Thresholding at the median sets about half of the bits.
        #expect((120...136).contains(result.hash.bitCount))
    }

    @Test func brightnessShiftDoesNotChangeTheHash() {
        let base = Self.pattern(width: 200, height: 150)
        let brighter = base.map { min(255, $0 * 0.8 + 30) }
        let hasher = PDQHasher()
        #expect(hasher.hash(luma: base, width: 200, height: 150).hash.distance(to: hasher.hash(luma: brighter, width: 200, height: 150).hash) <= 8)
    }

    @Test(arguments: DihedralTransform.allCases)
    func derivedVariantMatchesTransformedPixels(transform: DihedralTransform) {
        // A square image transformed in pixel space must hash (almost) like the DCT-derived variant.
        let n = 128
        let base = Self.pattern(width: n, height: n)
        var moved = [Float](repeating: 0, count: n * n)
        for y in 0..<n {
            for x in 0..<n {
                let (sx, sy): (Int, Int)
                switch transform {
                case .identity: (sx, sy) = (x, y)
                case .flipX: (sx, sy) = (n - 1 - x, y)
                case .flipY: (sx, sy) = (x, n - 1 - y)
                case .rotate180: (sx, sy) = (n - 1 - x, n - 1 - y)
                case .transpose: (sx, sy) = (y, x)
                case .antiTranspose: (sx, sy) = (n - 1 - y, n - 1 - x)
                case .rotate90: (sx, sy) = (y, n - 1 - x)      // clockwise
                case .rotate270: (sx, sy) = (n - 1 - y, x)     // counter-clockwise
                }
                moved[y * n + x] = base[sy * n + sx]
            }
        }
        // PDQ's decimation grid is not symmetric under mirroring (it samples at
        // floor((i + 0.5)·n/64)), so a transformed image lands a few bits off; the derived
        // variant must still be close, and much closer than any other variant.
        let hasher = PDQHasher()
        let original = hasher.hash(luma: base, width: n, height: n)
        let direct = hasher.hash(luma: moved, width: n, height: n).hash
        let derived = original.hash(transform)
        #expect(derived.distance(to: direct) <= 16, "\(transform): \(derived.distance(to: direct)) bits apart")
        for other in DihedralTransform.allCases where other != transform {
            #expect(original.hash(other).distance(to: direct) > derived.distance(to: direct) + 30,
                    "\(transform) is not clearly nearer than \(other)")
        }
    }

    @Test func lumaRotationTurnsClockwise() {
        // 2×1 image [a b] turned 90° clockwise becomes a 1×2 column [a; b].
        let frame = LumaFrame(index: 0, timestamp: 0, width: 2, height: 1, pixels: [1, 2])
        let turned = frame.rotated(clockwise: 90)
        #expect(turned.width == 1 && turned.height == 2)
        #expect(turned.pixels == [1, 2])
        let back = frame.rotated(clockwise: 270)
        #expect(back.pixels == [2, 1])
        #expect(frame.rotated(clockwise: 180).pixels == [2, 1])
    }
}

@Suite struct JaroszSamplerTests {
    /// The sampled filter must equal the reference shape: full box passes, then decimation.
    @Test(arguments: [(64, 64), (100, 37), (321, 241), (480, 720), (1280, 720), (7, 5)])
    func sampledFilterEqualsFullFilterThenDecimation(width: Int, height: Int) {
        var generator = SplitMix64(seed: UInt64(width * 1000 + height))
        var image = (0..<(width * height)).map { _ in Float(generator.next() % 256) }
        var scratch = [Float](repeating: 0, count: width * height)
        var sampled = [Float](repeating: 0, count: 64 * 64)
        var sampler = JaroszSampler(width: width, height: height)
        image.withUnsafeBufferPointer { plane in
            sampled.withUnsafeMutableBufferPointer { out in sampler.sample(plane, stride: width, into: out.baseAddress!) }
        }
        var reference = [Float](repeating: 0, count: 64 * 64)
        image.withUnsafeMutableBufferPointer { img in
            scratch.withUnsafeMutableBufferPointer { tmp in
                JaroszFilter.apply(img.baseAddress!, scratch: tmp.baseAddress!, rows: height, cols: width)
                reference.withUnsafeMutableBufferPointer { out in
                    PDQHasher.decimate(img.baseAddress!, rows: height, cols: width, into: out.baseAddress!)
                }
            }
        }
        let worst = zip(sampled, reference).map { abs($0 - $1) }.max() ?? 0
        #expect(worst < 0.01, "largest difference \(worst)")
    }
}

/// A small deterministic random source for tests.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite struct ExactMirrorTests {
    @Test(arguments: [(128, 128), (854, 480), (321, 241)])
    func exactMirrorEqualsHashOfMirroredPixels(width: Int, height: Int) {
        let base = PDQHasherTests.pattern(width: width, height: height)
        var mirrored = base
        for y in 0..<height { for x in 0..<width { mirrored[y * width + x] = base[y * width + (width - 1 - x)] } }
        let hasher = PDQHasher(exactMirror: true)
        let result = hasher.hash(luma: base, width: width, height: height)
        let direct = hasher.hash(luma: mirrored, width: width, height: height)
        let exact = try! #require(result.exactMirrorHash)
        #expect(exact.distance(to: direct.hash) <= 2, "\(exact.distance(to: direct.hash)) bits")
        // And the mirror of the mirror is the original.
        #expect(try! #require(direct.exactMirrorHash).distance(to: result.hash) <= 2)
    }
}
