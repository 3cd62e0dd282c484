import KeyprintModel

/// Computes PDQ's Jarosz-filtered, decimated 64×64 image directly, without filtering every
/// pixel: the filter (two box passes along rows, two along columns) is linear and separable,
/// and decimation keeps only 64 positions per axis, so each output is a fixed weighted sum
/// of nearby inputs. The weights for one axis are the rows of B·B (B the box matrix, with the
/// reference's shrinking windows at the edges) at the 64 decimation positions. The result
/// equals `JaroszFilter.apply` followed by `PDQHasher.decimate` up to float rounding.
struct JaroszSampler {
    /// For one axis: for each of the 64 outputs, the first input index and its weights.
    struct Axis: Equatable {
        var length: Int
        var starts: [Int]
        var weights: [[Float]]

        init(length n: Int, target: Int = 64) {
            length = n
            let window = min(max(JaroszFilter.windowSize(old: n, new: target), 1), n)
            let half = (window + 2) / 2
            // Input interval of box output o: [o - (window - half), o + half - 1], clipped.
            func interval(_ o: Int) -> ClosedRange<Int> {
                max(0, o - (window - half))...min(n - 1, o + half - 1)
            }
            var starts: [Int] = []
            var weights: [[Float]] = []
            for i in 0..<target {
                let position = Int((Double(i) + 0.5) * Double(n) / Double(target))
                let outer = interval(position)
                var dense = [Double](repeating: 0, count: n)
                var low = n, high = -1
                for m in outer {
                    let inner = interval(m)
                    let w = 1.0 / Double(outer.count) / Double(inner.count)
                    for x in inner { dense[x] += w }
                    low = min(low, inner.lowerBound)
                    high = max(high, inner.upperBound)
                }
                starts.append(low)
                weights.append(dense[low...high].map { Float($0) })
            }
            self.starts = starts
            self.weights = weights
        }

        /// The same axis for the mirrored image: output j of the mirrored image reads input
        /// n−1−x where the unmirrored one reads x.
        func mirrored() -> Axis {
            var copy = self
            for j in 0..<starts.count {
                copy.starts[j] = length - starts[j] - weights[j].count
                copy.weights[j] = weights[j].reversed()
            }
            return copy
        }
    }

    let columns: Axis
    let mirroredColumns: Axis
    let rows: Axis
    /// The 64 filtered rows at full width (64 × width): the vertical pass's output.
    private var filteredRows: [Float]

    init(width: Int, height: Int) {
        columns = Axis(length: width)
        mirroredColumns = columns.mirrored()
        rows = Axis(length: height)
        filteredRows = [Float](repeating: 0, count: 64 * width)
    }

    var width: Int { columns.length }
    var height: Int { rows.length }

    /// Filters and decimates a row-major luma plane (`stride` floats per row). With
    /// `mirroredOut`, also produces the 64×64 image of the left–right mirrored plane (exactly
    /// what hashing the mirrored pixels gives, not an approximation).
    ///
    /// The vertical pass runs first: each of the 64 output rows is a weighted sum of whole
    /// input rows, a contiguous loop the compiler vectorises. The horizontal pass then works on
    /// 64 rows only, so the mirrored image costs almost nothing more.
    mutating func sample(_ plane: UnsafeBufferPointer<Float>, stride: Int, into out: UnsafeMutablePointer<Float>,
                         mirroredInto mirroredOut: UnsafeMutablePointer<Float>? = nil) {
        let w = width
        precondition(plane.count >= (height - 1) * stride + w)
        let input = plane.baseAddress!
        filteredRows.withUnsafeMutableBufferPointer { buffer in
            let tmp = buffer.baseAddress!
            for i in 0..<64 {
                let acc = tmp + i * w
                acc.update(repeating: 0, count: w)
                let first = rows.starts[i]
                rows.weights[i].withUnsafeBufferPointer { wts in
                    for k in 0..<wts.count {
                        let weight = wts[k]
                        let row = input + (first + k) * stride
                        for x in 0..<w { acc[x] += weight * row[x] }
                    }
                }
            }
            Self.alongRows(tmp, width: w, axis: columns, into: out)
            if let mirroredOut { Self.alongRows(tmp, width: w, axis: mirroredColumns, into: mirroredOut) }
        }
    }

    /// Along each of the 64 filtered rows: the 64 column outputs.
    private static func alongRows(_ tmp: UnsafeMutablePointer<Float>, width w: Int, axis: Axis, into out: UnsafeMutablePointer<Float>) {
        for j in 0..<64 {
            let first = axis.starts[j]
            axis.weights[j].withUnsafeBufferPointer { wts in
                for i in 0..<64 {
                    let row = tmp + i * w + first
                    var sum: Float = 0
                    for k in 0..<wts.count { sum += wts[k] * row[k] }
                    out[i * 64 + j] = sum
                }
            }
        }
    }
}
