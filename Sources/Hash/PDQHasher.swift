import KeyprintModel

/// A PDQ hash with its quality (0…100): how much gradient the image has. Below about 50 a
/// hash says little (flat, black or nearly uniform frames).
public struct PDQResult: Sendable, Equatable {
    public var hash: PDQHash
    public var quality: Int
    /// The 16×16 DCT the hash thresholds; dihedral variants derive from it.
    public var dct: DCT16
    /// The hash of the left–right mirrored frame computed from the mirrored pixels, when the
    /// hasher was asked for it. PDQ's decimation grid is not mirror-symmetric, so on frames
    /// with hard edges this can be 20–30 bits from the DCT-derived `hash(.flipX)`.
    public var exactMirrorHash: PDQHash?

    /// The hash of the image transformed by `transform`, from the same DCT (no re-hashing).
    public func hash(_ transform: DihedralTransform) -> PDQHash {
        transform == .identity ? hash : dct.transformed(transform).hash()
    }

    /// The hash of the image mirrored and turned as `orientation` says (mirror left–right first,
    /// then clockwise quarter turns), from the same DCT, each with its own median.
    public func hash(oriented orientation: Orientation) -> PDQHash {
        dct.transformed(orientation.dihedral).hash()
    }

    /// The six turned and mirrored-and-turned hashes `FrameHash.dihedral` holds.
    public var dihedralHashes: DihedralHashes {
        DihedralHashes(hashes: DihedralHashes.stored.map { hash(oriented: $0) })
    }
}

/// PDQ, from ThreatExchange's published algorithm: luma → two Jarosz box-filter passes →
/// decimate to 64×64 → quality from gradients → 16×16 low-frequency DCT → threshold at the
/// median. One hasher per task: it keeps scratch buffers between calls.
public final class PDQHasher {
    private var sampler: JaroszSampler?
    private var small = [Float](repeating: 0, count: 64 * 64)
    private var mirroredSmall = [Float](repeating: 0, count: 64 * 64)
    private var partial = [Float](repeating: 0, count: 16 * 64)
    /// Also compute `exactMirrorHash` (one more filter pass along rows and one DCT).
    public let computesExactMirror: Bool

    public init(exactMirror: Bool = false) {
        computesExactMirror = exactMirror
    }

    /// Hashes a luma plane (values 0…255, row-major, `width × height`).
    public func hash(luma pixels: [Float], width: Int, height: Int) -> PDQResult {
        precondition(width > 0 && height > 0 && pixels.count == width * height, "luma plane does not match its size")
        pixels.withUnsafeBufferPointer { plane in
            filterAndDecimate(plane, width: width, height: height, stride: width)
        }
        return finish(withMirror: computesExactMirror)
    }

    private func filterAndDecimate(_ plane: UnsafeBufferPointer<Float>, width: Int, height: Int, stride: Int) {
        if sampler?.width != width || sampler?.height != height {
            sampler = JaroszSampler(width: width, height: height)
        }
        let mirror = computesExactMirror
        small.withUnsafeMutableBufferPointer { out in
            mirroredSmall.withUnsafeMutableBufferPointer { mirrored in
                sampler!.sample(plane, stride: stride, into: out.baseAddress!,
                                mirroredInto: mirror ? mirrored.baseAddress! : nil)
            }
        }
    }

    /// Quality, DCT and hash of the 64×64 image in `small` (and of `mirroredSmall` when asked).
    private func finish(withMirror mirror: Bool) -> PDQResult {
        let quality = Self.quality(small)
        let dct = DCT16(of: small, partial: &partial)
        var result = PDQResult(hash: dct.hash(), quality: quality, dct: dct)
        if mirror {
            result.exactMirrorHash = DCT16(of: mirroredSmall, partial: &partial).hash()
        }
        return result
    }

    /// The reference shape of the algorithm: box-filter every pixel (two passes each way),
    /// then decimate. Slower than `hash(luma:width:height:)`, which evaluates the same filter at
    /// the 64×64 decimation points only; kept as a test oracle and a benchmark baseline.
    public func hashFilteringEveryPixel(luma pixels: [Float], width: Int, height: Int) -> PDQResult {
        precondition(width > 0 && height > 0 && pixels.count == width * height, "luma plane does not match its size")
        var image = pixels
        var scratch = [Float](repeating: 0, count: pixels.count)
        image.withUnsafeMutableBufferPointer { img in
            scratch.withUnsafeMutableBufferPointer { tmp in
                JaroszFilter.apply(img.baseAddress!, scratch: tmp.baseAddress!, rows: height, cols: width)
                small.withUnsafeMutableBufferPointer { out in
                    Self.decimate(img.baseAddress!, rows: height, cols: width, into: out.baseAddress!)
                }
            }
        }
        return finish(withMirror: false)
    }

    public func hash(_ frame: LumaFrame) -> PDQResult {
        hash(luma: frame.pixels, width: frame.width, height: frame.height)
    }

    /// Picks the centre sample of each of 64×64 cells.
    static func decimate(_ image: UnsafeMutablePointer<Float>, rows: Int, cols: Int, into out: UnsafeMutablePointer<Float>) {
        for i in 0..<64 {
            let row = Int((Double(i) + 0.5) * Double(rows) / 64)
            for j in 0..<64 {
                let col = Int((Double(j) + 0.5) * Double(cols) / 64)
                out[i * 64 + j] = image[row * cols + col]
            }
        }
    }

    /// Sum of absolute neighbour differences (as integer percentages of full scale), / 90, capped at 100.
    static func quality(_ image: [Float]) -> Int {
        var gradientSum = 0
        image.withUnsafeBufferPointer { p in
            for i in 0..<63 {
                for j in 0..<64 {
                    let d = Int((p[i * 64 + j] - p[(i + 1) * 64 + j]) * 100 / 255)
                    gradientSum += abs(d)
                }
            }
            for i in 0..<64 {
                for j in 0..<63 {
                    let d = Int((p[i * 64 + j] - p[i * 64 + j + 1]) * 100 / 255)
                    gradientSum += abs(d)
                }
            }
        }
        return min(gradientSum / 90, 100)
    }
}
