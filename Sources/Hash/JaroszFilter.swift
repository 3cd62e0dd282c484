
/// The Jarosz filter PDQ uses before decimation: box blurs along rows then columns, repeated,
/// with a window sized so that the result decimates cleanly to 64×64.
enum JaroszFilter {
    static let passes = 2

    /// Window for shrinking `oldDimension` to `newDimension` (PDQ's rounding-up rule).
    static func windowSize(old oldDimension: Int, new newDimension: Int) -> Int {
        (oldDimension + 2 * newDimension - 1) / (2 * newDimension)
    }

    /// Filters `image` (rows × cols) in place; `scratch` must have the same size.
    static func apply(_ image: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>, rows: Int, cols: Int, target: Int = 64) {
        let alongRows = windowSize(old: cols, new: target)
        let alongCols = windowSize(old: rows, new: target)
        for _ in 0..<passes {
            for r in 0..<rows {
                box(image + r * cols, scratch + r * cols, length: cols, stride: 1, window: alongRows)
            }
            for c in 0..<cols {
                box(scratch + c, image + c, length: rows, stride: cols, window: alongCols)
            }
        }
    }

    /// A running-sum box blur of one row or column. The window is centred; near the ends it
    /// shrinks and the mean is over the samples present.
    @inline(__always)
    static func box(_ input: UnsafeMutablePointer<Float>, _ output: UnsafeMutablePointer<Float>, length: Int, stride: Int, window: Int) {
        let window = min(max(window, 1), length)
        let half = (window + 2) / 2
        var sum: Float = 0
        var count: Float = 0
        var readIndex = 0, leftIndex = 0, writeIndex = 0
        // Fill the first half window without writing.
        for _ in 0..<(half - 1) {
            sum += input[readIndex]; count += 1; readIndex += stride
        }
        // Growing window.
        for _ in 0..<(window - half + 1) {
            sum += input[readIndex]; count += 1
            output[writeIndex] = sum / count
            readIndex += stride; writeIndex += stride
        }
        // Full window.
        for _ in 0..<(length - window) {
            sum += input[readIndex]; sum -= input[leftIndex]
            output[writeIndex] = sum / count
            leftIndex += stride; readIndex += stride; writeIndex += stride
        }
        // Shrinking window.
        for _ in 0..<(half - 1) {
            sum -= input[leftIndex]; count -= 1
            output[writeIndex] = sum / count
            leftIndex += stride; writeIndex += stride
        }
    }
}
