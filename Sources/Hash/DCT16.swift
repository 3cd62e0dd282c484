import Foundation
import KeyprintModel

/// The 16×16 block of low-frequency DCT-II coefficients (DC excluded) of a 64×64 image, as
/// PDQ computes it: D · A · Dᵀ with D[i][j] = √(2/64) · cos(π/128 · (i+1) · (2j+1)).
public struct DCT16: Sendable, Equatable {
    /// Row-major, rows are vertical frequencies 1…16, columns horizontal frequencies 1…16.
    public var coefficients: [Float]

    public init(coefficients: [Float]) {
        precondition(coefficients.count == 256)
        self.coefficients = coefficients
    }

    static let matrix: [Float] = {
        var d = [Float](repeating: 0, count: 16 * 64)
        let scale = (2.0 / 64.0).squareRoot()
        for i in 0..<16 {
            for j in 0..<64 {
                d[i * 64 + j] = Float(scale * cos(Double.pi / 2 / 64 * Double(i + 1) * Double(2 * j + 1)))
            }
        }
        return d
    }()

    /// Computes the block from a 64×64 image; `partial` is 16×64 scratch.
    init(of image: [Float], partial: inout [Float]) {
        let d = DCT16.matrix
        var out = [Float](repeating: 0, count: 256)
        d.withUnsafeBufferPointer { d in
            image.withUnsafeBufferPointer { a in
                partial.withUnsafeMutableBufferPointer { t in
                    // T = D · A  (16×64)
                    for i in 0..<16 {
                        for k in 0..<64 { t[i * 64 + k] = 0 }
                        for j in 0..<64 {
                            let dij = d[i * 64 + j]
                            let row = j * 64
                            for k in 0..<64 { t[i * 64 + k] += dij * a[row + k] }
                        }
                    }
                    // B = T · Dᵀ (16×16)
                    out.withUnsafeMutableBufferPointer { b in
                        for i in 0..<16 {
                            for j in 0..<16 {
                                var sum: Float = 0
                                for k in 0..<64 { sum += t[i * 64 + k] * d[j * 64 + k] }
                                b[i * 16 + j] = sum
                            }
                        }
                    }
                }
            }
        }
        coefficients = out
    }

    /// Bits set where a coefficient exceeds the median of the 256 (the lower median, as
    /// the reference's Torben selection returns).
    public func hash() -> PDQHash {
        let median = coefficients.sorted()[127]
        var hash = PDQHash()
        for k in 0..<256 where coefficients[k] > median { hash.setBit(k) }
        return hash
    }

    /// The DCT of the image under a rotation or flip: sign changes and a transpose, since
    /// cos basis functions of odd frequency change sign when mirrored.
    public func transformed(_ t: DihedralTransform) -> DCT16 {
        var out = [Float](repeating: 0, count: 256)
        let c = coefficients
        for i in 0..<16 {
            for j in 0..<16 {
                let v = c[i * 16 + j]
                // Frequency index i corresponds to frequency i+1: even i = odd frequency.
                let negateRow = i & 1 == 0, negateCol = j & 1 == 0
                switch t {
                case .identity: out[i * 16 + j] = v
                case .flipX: out[i * 16 + j] = negateCol ? -v : v
                case .flipY: out[i * 16 + j] = negateRow ? -v : v
                case .rotate180: out[i * 16 + j] = (negateRow != negateCol) ? -v : v
                case .transpose: out[j * 16 + i] = v
                case .rotate90: out[j * 16 + i] = negateRow ? -v : v
                case .rotate270: out[j * 16 + i] = negateCol ? -v : v
                case .antiTranspose: out[j * 16 + i] = (negateRow != negateCol) ? -v : v
                }
            }
        }
        return DCT16(coefficients: out)
    }
}

extension Orientation {
    /// The same pixel transform as a `DihedralTransform` (mirror left–right, then turn clockwise).
    public var dihedral: DihedralTransform {
        switch self {
        case .none: .identity
        case .rot90: .rotate90
        case .rot180: .rotate180
        case .rot270: .rotate270
        case .mirror: .flipX
        // Mirrored left–right, then turned a quarter clockwise: reflected about the anti-diagonal.
        case .mirrorRot90: .antiTranspose
        case .mirrorRot180: .flipY
        case .mirrorRot270: .transpose
        }
    }
}

/// The eight rotations and flips of a square image.
public enum DihedralTransform: String, CaseIterable, Sendable, Codable {
    case identity
    case rotate90
    case rotate180
    case rotate270
    /// Mirror left–right (horizontal flip).
    case flipX
    /// Mirror top–bottom.
    case flipY
    /// Reflect about the main diagonal.
    case transpose
    /// Reflect about the anti-diagonal.
    case antiTranspose
}
