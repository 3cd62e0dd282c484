/// Finds the part of a video's picture that changes over time: in a chat capture, the remote
/// webcam pane inside static chrome (top bar, background, buttons); in a re-upload, the picture
/// inside letterbox bars.
///
/// On a video's sampled frames as small luma thumbnails (all the same size):
/// 1. per pixel, the standard deviation of luma over time;
/// 2. a mask of pixels whose deviation exceeds `motionThreshold` (luma levels);
/// 3. a morphological opening (erosion then dilation, 3 × 3) that removes specks and thin lines
///    (a clock, a blinking cursor, encoder noise along edges);
/// 4. the largest 4-connected component of the mask, and its bounding box.
/// Returns nil when fewer than two frames are given or when nothing (or only a speck smaller
/// than `minAreaFraction` of the frame) moves: the caller then hashes the whole frame only.
public struct ActiveRegionDetector: Sendable {
    public var motionThreshold: Float = 8
    public var minAreaFraction: Double = 0.01

    public init(motionThreshold: Float = 8, minAreaFraction: Double = 0.01) {
        self.motionThreshold = motionThreshold
        self.minAreaFraction = minAreaFraction
    }

    public func detect(_ frames: [LumaFrame]) -> NormalizedRect? {
        guard let first = frames.first else { return nil }
        let w = first.width, h = first.height
        let same = frames.filter { $0.width == w && $0.height == h }
        guard same.count >= 2, w > 0, h > 0 else { return nil }
        let mask = opened(motionMask(same, width: w, height: h), width: w, height: h)
        guard let box = largestComponentBox(mask, width: w, height: h),
              Double(box.area) >= minAreaFraction * Double(w * h) else { return nil }
        return NormalizedRect(columns: box.minX, box.maxX, rows: box.minY, box.maxY, width: w, height: h)
    }

    /// Pixels whose temporal standard deviation exceeds the threshold.
    func motionMask(_ frames: [LumaFrame], width w: Int, height h: Int) -> [Bool] {
        var sum = [Double](repeating: 0, count: w * h)
        var sumSquares = [Double](repeating: 0, count: w * h)
        for f in frames {
            for i in 0..<(w * h) {
                let v = Double(f.pixels[i])
                sum[i] += v
                sumSquares[i] += v * v
            }
        }
        let n = Double(frames.count)
        let limit = Double(motionThreshold) * Double(motionThreshold)
        return (0..<(w * h)).map { i in
            let mean = sum[i] / n
            return sumSquares[i] / n - mean * mean > limit
        }
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

    /// The bounding box of the largest 4-connected set of true pixels.
    func largestComponentBox(_ mask: [Bool], width w: Int, height h: Int) -> Box? {
        var seen = [Bool](repeating: false, count: w * h)
        var best: Box?
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
            if best == nil || box.area > best!.area { best = box }
        }
        return best
    }
}
