/// One sampled frame as a luma plane (0…255 as Float, row-major), upright (rotation applied),
/// with its presentation time relative to the start of the video stream.
public struct LumaFrame: Sendable {
    /// Index of the frame among all frames the decoder produced (0-based). With
    /// `--all-frames` this is vPDQ's frame number.
    public var index: Int
    /// Seconds from the stream's first presentation time.
    public var timestamp: Double
    public var width: Int
    public var height: Int
    public var pixels: [Float]

    public init(index: Int, timestamp: Double, width: Int, height: Int, pixels: [Float]) {
        precondition(pixels.count == width * height)
        self.index = index
        self.timestamp = timestamp
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// The frame turned clockwise by `degrees` (0, 90, 180 or 270).
    public func rotated(clockwise degrees: Int) -> LumaFrame {
        let turn = ((degrees % 360) + 360) % 360
        if turn == 0 { return self }
        var out = [Float](repeating: 0, count: pixels.count)
        let w = width, h = height
        switch turn {
        case 90:
            // out is h wide, w tall: out(x', y') = in(y', h-1-x')
            for y in 0..<h { for x in 0..<w { out[x * h + (h - 1 - y)] = pixels[y * w + x] } }
            return LumaFrame(index: index, timestamp: timestamp, width: h, height: w, pixels: out)
        case 180:
            for i in 0..<pixels.count { out[pixels.count - 1 - i] = pixels[i] }
            return LumaFrame(index: index, timestamp: timestamp, width: w, height: h, pixels: out)
        case 270:
            for y in 0..<h { for x in 0..<w { out[(w - 1 - x) * h + y] = pixels[y * w + x] } }
            return LumaFrame(index: index, timestamp: timestamp, width: h, height: w, pixels: out)
        default:
            return self
        }
    }
}
