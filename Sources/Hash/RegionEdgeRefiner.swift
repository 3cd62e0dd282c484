import KeyprintModel

/// Moves the edges of a content region found on thumbnails to full-resolution lines.
///
/// `ActiveRegionDetector` works on 160-px thumbnails, so its box is quantised to a thumbnail
/// pixel (about 5 full-resolution pixels at 768 px wide), and a thumbnail pixel that straddles
/// the pane's border averages pane and chrome and counts as moving: the box grows outward by up
/// to a thumbnail pixel per side. PDQ is sensitive to such a border: on seed 1 of
/// `scripts/make-samples` a capture's region box was 2–7 px larger than its pane on each side,
/// and its region hashes were 26–40 bits from the whole frames of a copy cropped to the pane
/// (over the 31-bit threshold on most frames).
///
/// Per side, within `searchRadius` full-resolution lines of the coarse edge, each line's spread
/// over time is measured as the detector does (per pixel, the range between the `trim` and
/// 1 − `trim` quantiles of its luma over the frames), as the median over the line's pixels away
/// from the box's corners: a self-view or a static watermark over part of a line moves its mean,
/// not its median. The edge moves to the outermost line whose spread reaches `edgeFraction` of
/// the spread just inside the window (the pane's own level): half of it, where a blurred step is
/// crossed halfway. Measured (line medians, levels): seed 1's captures 128–171 inside the pane,
/// 0–17 on the chrome beside it (codec ringing); samples/ call-c's right edge 22–23 inside, 19 on
/// its last line, 5, 3, 2 on the chrome's first lines, and its re-encode with a watermark 20 on
/// the first chrome line (the step smeared by a line), then 5, 3, 9; seed 2's call-b bottom 36–45
/// inside (the self-view's rows), 29–37 on the pane's last rows below the self-view, 9, 4, 6 on
/// the chrome. Line means instead put seed 2's edge 10 rows inside the pane (the self-view lifts
/// the inside level to 67, the pane's last rows average 21–33), and a quarter of the level put
/// the watermark copy's edge 4 lines into the chrome (its four pairs on samples/ were lost).
/// A side whose inside spreads less than `minInteriorSpread` (nothing moves there: the
/// detector's own threshold), or with no line reaching the fraction, keeps its coarse edge.
public struct RegionEdgeRefiner: Sendable {
    /// How far (full-resolution lines) an edge may move: a thumbnail pixel and one line more.
    public var searchRadius: Int
    public var edgeFraction: Float = 0.5
    /// The detector's `motionThreshold`.
    public var minInteriorSpread: Float
    /// The detector's `trim`.
    public var trim: Double

    /// A refiner for frames `frameWidth` pixels wide whose region `detector` found on
    /// thumbnails `thumbnailWidth` pixels wide; spreads are measured as that detector does.
    public init(frameWidth: Int, thumbnailWidth: Int, detector: ActiveRegionDetector = ActiveRegionDetector()) {
        let scale = Double(frameWidth) / Double(max(1, thumbnailWidth))
        searchRadius = max(1, Int(scale.rounded(.up)) + 1)
        minInteriorSpread = detector.motionThreshold
        trim = detector.trim
    }

    /// `region` with each edge on the full-resolution line where the moving picture starts.
    /// `luma(k, offset)` is frame `k`'s luma at pixel `offset` (row-major, `width` per row) of
    /// `frameCount` frames of `width` × `height`. Fewer than two frames: `region` unchanged.
    public func refine(_ region: NormalizedRect, width w: Int, height h: Int, frameCount n: Int,
                       luma: (_ frame: Int, _ offset: Int) -> Float) -> NormalizedRect {
        guard n >= 2, w > 2 * searchRadius, h > 2 * searchRadius else { return region }
        let box = region.pixels(frameWidth: w, frameHeight: h)
        let x0 = box.x, x1 = box.x + box.width - 1, y0 = box.y, y1 = box.y + box.height - 1
        let r = searchRadius
        // Lines are measured away from the corners, where the other sides' edges lie.
        let columns = Self.inner(x0, x1, margin: r), rows = Self.inner(y0, y1, margin: r)
        let (lo, hi) = ActiveRegionDetector.trimmedPositions(count: n, trim: trim)
        var values = [Float](repeating: 0, count: n)
        /// The median over the line's pixels of their spread over time.
        func spread(_ offsets: [Int]) -> Float {
            guard !offsets.isEmpty else { return 0 }
            var ranges = offsets.map { o -> Float in
                for k in 0..<n { values[k] = luma(k, o) }
                values.sort()
                return values[hi] - values[lo]
            }
            ranges.sort()
            return ranges[ranges.count / 2]
        }
        let row = { (y: Int) in columns.map { y * w + $0 } }
        let column = { (x: Int) in rows.map { $0 * w + x } }
        /// The new edge: scanning `candidates` from the outside in, the first line reaching the
        /// fraction of the `inside` lines' spread; `coarse` when there is none.
        func edge(_ coarse: Int, candidates: [Int], inside: [Int], line: (Int) -> [Int]) -> Int {
            let interior = inside.isEmpty ? 0 : inside.map { spread(line($0)) }.reduce(0, +) / Float(inside.count)
            guard interior >= minInteriorSpread else { return coarse }
            return candidates.first { spread(line($0)) >= edgeFraction * interior } ?? coarse
        }
        let top = edge(y0, candidates: Array(max(0, y0 - r)...min(y1, y0 + r)),
                       inside: Self.band(from: y0 + r + 1, step: 1, count: r, within: y0...y1), line: row)
        let bottom = edge(y1, candidates: Array((max(y0, y1 - r)...min(h - 1, y1 + r)).reversed()),
                          inside: Self.band(from: y1 - r - 1, step: -1, count: r, within: y0...y1), line: row)
        let left = edge(x0, candidates: Array(max(0, x0 - r)...min(x1, x0 + r)),
                        inside: Self.band(from: x0 + r + 1, step: 1, count: r, within: x0...x1), line: column)
        let right = edge(x1, candidates: Array((max(x0, x1 - r)...min(w - 1, x1 + r)).reversed()),
                         inside: Self.band(from: x1 - r - 1, step: -1, count: r, within: x0...x1), line: column)
        guard bottom > top, right > left else { return region }
        return NormalizedRect(columns: left, right, rows: top, bottom, width: w, height: h)
    }

    /// `lo…hi` without `margin` at each end (all of it when that leaves nothing).
    static func inner(_ lo: Int, _ hi: Int, margin: Int) -> [Int] {
        lo + margin <= hi - margin ? Array((lo + margin)...(hi - margin)) : Array(lo...max(lo, hi))
    }

    /// `count` lines from `start` in direction `step`, those inside `within`.
    static func band(from start: Int, step: Int, count: Int, within: ClosedRange<Int>) -> [Int] {
        (0..<count).map { start + $0 * step }.filter { within.contains($0) }
    }
}
