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
    private var partial: [Float]
    private var mirroredPartial: [Float]

    init(width: Int, height: Int) {
        columns = Axis(length: width)
        mirroredColumns = columns.mirrored()
        rows = Axis(length: height)
        partial = [Float](repeating: 0, count: height * 64)
        mirroredPartial = [Float](repeating: 0, count: height * 64)
    }

    var width: Int { columns.length }
    var height: Int { rows.length }

    /// Filters and decimates a row-major plane; `value` maps a stored sample to PDQ luma.
    /// With `mirroredOut`, also produces the 64×64 image of the left–right mirrored plane
    /// (exactly what hashing the mirrored pixels would give, not an approximation).
    mutating func sample<T>(_ plane: UnsafeBufferPointer<T>, stride: Int, into out: UnsafeMutablePointer<Float>,
                            mirroredInto mirroredOut: UnsafeMutablePointer<Float>? = nil, value: (T) -> Float) {
        let h = height
        precondition(plane.count >= (h - 1) * stride + width)
        Self.alongRows(plane, stride: stride, rows: h, axis: columns, into: &partial, value: value)
        Self.alongColumns(partial, axis: rows, into: out)
        if let mirroredOut {
            Self.alongRows(plane, stride: stride, rows: h, axis: mirroredColumns, into: &mirroredPartial, value: value)
            Self.alongColumns(mirroredPartial, axis: rows, into: mirroredOut)
        }
    }

    /// Along each row: the 64 column outputs.
    private static func alongRows<T>(_ plane: UnsafeBufferPointer<T>, stride: Int, rows h: Int, axis: Axis,
                                     into partial: inout [Float], value: (T) -> Float) {
        partial.withUnsafeMutableBufferPointer { tmp in
            for j in 0..<64 {
                axis.weights[j].withUnsafeBufferPointer { wts in
                    let first = axis.starts[j]
                    for y in 0..<h {
                        let start = y * stride + first
                        var sum: Float = 0
                        for k in 0..<wts.count { sum += wts[k] * value(plane[start + k]) }
                        tmp[y * 64 + j] = sum
                    }
                }
            }
        }
    }

    /// Along each column of the row outputs: the 64 row outputs.
    private static func alongColumns(_ partial: [Float], axis: Axis, into out: UnsafeMutablePointer<Float>) {
        partial.withUnsafeBufferPointer { tmp in
            for i in 0..<64 {
                let start = axis.starts[i]
                axis.weights[i].withUnsafeBufferPointer { wts in
                    for j in 0..<64 {
                        var sum: Float = 0
                        for k in 0..<wts.count { sum += wts[k] * tmp[(start + k) * 64 + j] }
                        out[i * 64 + j] = sum
                    }
                }
            }
        }
    }
}
