import KeyprintModel

/// Finds letterbox (top/bottom) and pillarbox (left/right) bars, black or blurred, and returns
/// the picture inside them.
///
/// A bar line carries no detail: on every sampled frame, the luma along it is flat (black or a
/// solid colour) or nearly so (a blurred, enlarged copy of the picture, as portrait re-uploads
/// use). For each row, the detail is the mean over frames of the mean absolute difference
/// between horizontally adjacent pixels; for each column, between vertically adjacent pixels.
/// Rows are peeled from the top and bottom edges, columns from the left and right, while their
/// detail stays below `max(minDetail, relativeDetail × the median detail of the middle third)`;
/// the bar opposite a peeled one is taken to the same depth when its lines stay below
/// `pairedDetail` × that median (centred padding; a blurred bar keeps some detail).
/// Returns `.full` when no bar is found, when the picture itself has no detail (a black or flat
/// video gives no evidence), or when the inner box would keep less than `minKeep` of a side.
public struct LetterboxDetector: Sendable {
    public var minDetail: Float = 1.0
    public var relativeDetail: Float = 0.2
    public var minKeep: Double = 0.2
    /// Limit (relative to the picture's detail) for the bar opposite an already peeled one.
    public var pairedDetail: Float = 0.5

    public init(minDetail: Float = 1.0, relativeDetail: Float = 0.2, minKeep: Double = 0.2) {
        self.minDetail = minDetail
        self.relativeDetail = relativeDetail
        self.minKeep = minKeep
    }

    public func detect(_ frames: [LumaFrame]) -> NormalizedRect {
        guard let first = frames.first else { return .full }
        let w = first.width, h = first.height
        let same = frames.filter { $0.width == w && $0.height == h }
        guard w >= 3, h >= 3 else { return .full }
        var rowDetail = [Float](repeating: 0, count: h)
        var columnDetail = [Float](repeating: 0, count: w)
        for f in same {
            let p = f.pixels
            for y in 0..<h {
                var s: Float = 0
                for x in 1..<w { s += abs(p[y * w + x] - p[y * w + x - 1]) }
                rowDetail[y] += s / Float(w - 1)
            }
            for x in 0..<w {
                var s: Float = 0
                for y in 1..<h { s += abs(p[y * w + x] - p[(y - 1) * w + x]) }
                columnDetail[x] += s / Float(h - 1)
            }
        }
        let n = Float(same.count)
        rowDetail = rowDetail.map { $0 / n }
        columnDetail = columnDetail.map { $0 / n }

        guard let (top, bottom) = inner(rowDetail), let (left, right) = inner(columnDetail) else { return .full }
        guard Double(bottom - top + 1) >= minKeep * Double(h), Double(right - left + 1) >= minKeep * Double(w) else { return .full }
        if top == 0 && bottom == h - 1 && left == 0 && right == w - 1 { return .full }
        return NormalizedRect(columns: left, right, rows: top, bottom, width: w, height: h)
    }

    /// First and last index whose detail reaches the bar limit; nil when the middle has none.
    private func inner(_ detail: [Float]) -> (Int, Int)? {
        let count = detail.count
        let middle = detail[(count / 3)..<max(count / 3 + 1, 2 * count / 3)].sorted()
        let reference = middle[middle.count / 2]
        guard reference >= minDetail else { return nil }
        let limit = max(minDetail, relativeDetail * reference)
        var lo = 0, hi = count - 1
        while lo < hi && detail[lo] < limit { lo += 1 }
        while hi > lo && detail[hi] < limit { hi -= 1 }
        // Bars come in centred pairs (padding to a portrait or landscape frame): when one side
        // was peeled deeper, the other side's lines down to the same depth are a bar too if
        // their detail stays below the looser `pairedDetail` limit. A blurred, enlarged copy of
        // the picture can keep more detail on one side than the strict limit allows.
        let loose = max(minDetail, pairedDetail * reference)
        let mirroredHi = count - 1 - lo, mirroredLo = count - 1 - hi
        if mirroredHi < hi, mirroredHi > lo, detail[(mirroredHi + 1)...hi].allSatisfy({ $0 < loose }) {
            hi = mirroredHi
        } else if mirroredLo > lo, mirroredLo < hi, detail[lo..<mirroredLo].allSatisfy({ $0 < loose }) {
            lo = mirroredLo
        }
        return (lo, hi)
    }
}
