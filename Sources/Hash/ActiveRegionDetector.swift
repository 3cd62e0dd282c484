import KeyprintModel

/// Finds the part of a video's picture that changes over time: in a chat capture, the remote
/// webcam pane inside static chrome (top bar, background, buttons); in a re-upload, the picture
/// inside letterbox bars.
///
/// On a video's sampled frames as small luma thumbnails (all the same size):
/// 1. per pixel, the spread of its luma over time: the range between its 20th and 80th
///    percentile (a trimmed range: the plain standard deviation, tried first, also counted
///    pixels that change once, where the shared opening screen gives way to the call layout,
///    and on samples/ grew the pane box by 5–10 % of the frame, or to the whole frame);
/// 2. a mask of pixels whose spread exceeds `motionThreshold` (luma levels);
/// 3. a morphological opening (erosion then dilation, 3 × 3) that removes specks and thin lines
///    (a clock, a blinking cursor, encoder noise along edges);
/// 4. the bounding box of the 4-connected components of the mask of at least `minAreaFraction` of
///    the frame and `partFraction` of the largest component.
/// Returns nil when fewer than two frames are given or when nothing (or only a speck smaller
/// than `minAreaFraction` of the frame) moves: the caller then hashes the whole frame only.
public struct ActiveRegionDetector: Sendable {
    public var motionThreshold: Float = 16
    /// Fraction of the lowest and of the highest values per pixel left out of its spread.
    public var trim: Double = 0.2
    public var minAreaFraction: Double = 0.01
    /// A moving component at least this fraction of the largest one's area is part of the same
    /// picture (the box covers it too); smaller ones (a self-view beside the pane) are not.
    public var partFraction: Double = 0.25

    public init(motionThreshold: Float = 16, trim: Double = 0.2, minAreaFraction: Double = 0.01) {
        self.motionThreshold = motionThreshold
        self.trim = trim
        self.minAreaFraction = minAreaFraction
    }

    public func detect(_ frames: [LumaFrame]) -> NormalizedRect? {
        guard let first = frames.first else { return nil }
        let w = first.width, h = first.height
        let same = frames.filter { $0.width == w && $0.height == h }
        guard same.count >= 2, w > 0, h > 0 else { return nil }
        let mask = opened(motionMask(same, width: w, height: h), width: w, height: h)
        guard let box = significantComponentsBox(mask, width: w, height: h),
              Double(box.area) >= minAreaFraction * Double(w * h) else { return nil }
        return NormalizedRect(columns: box.minX, box.maxX, rows: box.minY, box.maxY, width: w, height: h)
    }

    /// Pixels whose luma spread over time, the range between the `trim` and 1 − `trim`
    /// quantiles of their values, exceeds the threshold. Trimming makes a minority of frames,
    /// a shared opening screen before the call layout or a black start, not count as motion.
    func motionMask(_ frames: [LumaFrame], width w: Int, height h: Int) -> [Bool] {
        let n = frames.count
        let (lo, hi) = Self.trimmedPositions(count: n, trim: trim)
        var values = [Float](repeating: 0, count: n)
        return (0..<(w * h)).map { i in
            for k in 0..<n { values[k] = frames[k].pixels[i] }
            values.sort()
            return values[hi] - values[lo] > motionThreshold
        }
    }

    /// Positions, in `count` sorted values, of the `trim` and 1 − `trim` quantiles whose
    /// difference is a pixel's spread over time.
    static func trimmedPositions(count n: Int, trim: Double) -> (lo: Int, hi: Int) {
        let lo = min(n - 1, Int((trim * Double(n - 1)).rounded()))
        return (lo, max(lo, n - 1 - lo))
    }

    /// Erosion then dilation with a 3 × 3 square; pixels outside the frame count as unset.
    func opened(_ mask: [Bool], width w: Int, height h: Int) -> [Bool] {
        func apply(_ m: [Bool], all: Bool) -> [Bool] {
            var out = m
            for y in 0..<h {
                for x in 0..<w {
                    var hit = all
                    for dy in -1...1 {
                        for dx in -1...1 {
                            let nx = x + dx, ny = y + dy
                            let v = nx >= 0 && nx < w && ny >= 0 && ny < h ? m[ny * w + nx] : false
                            if all ? !v : v { hit = !all }
                        }
                    }
                    out[y * w + x] = hit
                }
            }
            return out
        }
        return apply(apply(mask, all: true), all: false)
    }

    struct Box {
        var minX: Int, maxX: Int, minY: Int, maxY: Int, area: Int
    }

    /// The bounding box of every 4-connected component of at least `minAreaFraction` of the
    /// frame and `partFraction` of the largest one (area: the pixels of those components). A remote picture may move in several
    /// parts separated by still ones (a still background beside a moving head, the self-view in
    /// a corner); at 1 frame per second the largest part alone was half the pane on samples/
    /// (TalkBox call without its opening). Specks and thin chrome (a clock) are gone after the
    /// opening; a component below the fraction does not widen the box.
    func significantComponentsBox(_ mask: [Bool], width w: Int, height h: Int) -> Box? {
        let parts = components(mask, width: w, height: h)
        guard let largest = parts.max(by: { $0.area < $1.area }) else { return nil }
        let minArea = max(max(1, Int((minAreaFraction * Double(w * h)).rounded(.up))),
                          Int((partFraction * Double(largest.area)).rounded(.up)))
        var box = largest
        box.area = 0
        for p in parts where p.area >= minArea {
            box.minX = min(box.minX, p.minX); box.maxX = max(box.maxX, p.maxX)
            box.minY = min(box.minY, p.minY); box.maxY = max(box.maxY, p.maxY)
            box.area += p.area
        }
        return box.area > 0 ? box : largest
    }

    /// The bounding box of the largest 4-connected set of true pixels.
    func largestComponentBox(_ mask: [Bool], width w: Int, height h: Int) -> Box? {
        components(mask, width: w, height: h).max { $0.area < $1.area }
    }

    /// Every 4-connected set of true pixels, as its bounding box and pixel count.
    func components(_ mask: [Bool], width w: Int, height h: Int) -> [Box] {
        var seen = [Bool](repeating: false, count: w * h)
        var out: [Box] = []
        var stack: [Int] = []
        for start in 0..<(w * h) where mask[start] && !seen[start] {
            var box = Box(minX: w, maxX: -1, minY: h, maxY: -1, area: 0)
            seen[start] = true
            stack.append(start)
            while let p = stack.popLast() {
                let x = p % w, y = p / w
                box.area += 1
                box.minX = min(box.minX, x); box.maxX = max(box.maxX, x)
                box.minY = min(box.minY, y); box.maxY = max(box.maxY, y)
                for (nx, ny) in [(x - 1, y), (x + 1, y), (x, y - 1), (x, y + 1)] where nx >= 0 && nx < w && ny >= 0 && ny < h {
                    let q = ny * w + nx
                    if mask[q] && !seen[q] { seen[q] = true; stack.append(q) }
                }
            }
            out.append(box)
        }
        return out
    }
}
