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
    }

    let columns: Axis
    let rows: Axis
    private var partial: [Float]

    init(width: Int, height: Int) {
        columns = Axis(length: width)
        rows = Axis(length: height)
        partial = [Float](repeating: 0, count: height * 64)
    }

    var width: Int { columns.length }
    var height: Int { rows.length }

    /// Filters and decimates a row-major plane; `value` maps a stored sample to PDQ luma.
    mutating func sample<T>(_ plane: UnsafeBufferPointer<T>, stride: Int, into out: UnsafeMutablePointer<Float>, value: (T) -> Float) {
        let w = width, h = height
        precondition(plane.count >= (h - 1) * stride + w)
        partial.withUnsafeMutableBufferPointer { tmp in
            // Along each row: the 64 column outputs.
            for y in 0..<h {
                let row = y * stride
                for j in 0..<64 {
                    let start = row + columns.starts[j]
                    var sum: Float = 0
                    columns.weights[j].withUnsafeBufferPointer { wts in
                        for k in 0..<wts.count { sum += wts[k] * value(plane[start + k]) }
                    }
                    tmp[y * 64 + j] = sum
                }
            }
            // Along each column of that: the 64 row outputs.
            for i in 0..<64 {
                let start = rows.starts[i]
                rows.weights[i].withUnsafeBufferPointer { wts in
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
