import KeyprintModel

extension LumaFrame {
    /// The part of the frame inside `rect` (normalized coordinates), at full resolution.
    public func cropped(to rect: NormalizedRect) -> LumaFrame {
        let r = rect.pixels(frameWidth: width, frameHeight: height)
        if r.x == 0 && r.y == 0 && r.width == width && r.height == height { return self }
        var out = [Float](repeating: 0, count: r.width * r.height)
        for y in 0..<r.height {
            let src = (r.y + y) * width + r.x
            for x in 0..<r.width { out[y * r.width + x] = pixels[src + x] }
        }
        return LumaFrame(index: index, timestamp: timestamp, width: r.width, height: r.height, pixels: out)
    }

    /// A small copy for region detection: box-averaged down to `targetWidth` columns (height in
    /// proportion, at least 1), or the frame itself when it is already that small.
    public func thumbnail(width targetWidth: Int = 160) -> LumaFrame {
        guard width > targetWidth, targetWidth > 0 else { return self }
        let tw = targetWidth
        let th = max(1, Int((Double(height) * Double(tw) / Double(width)).rounded()))
        var out = [Float](repeating: 0, count: tw * th)
        for ty in 0..<th {
            let y0 = ty * height / th, y1 = max(y0 + 1, (ty + 1) * height / th)
            for tx in 0..<tw {
                let x0 = tx * width / tw, x1 = max(x0 + 1, (tx + 1) * width / tw)
                var sum: Float = 0
                for y in y0..<y1 { for x in x0..<x1 { sum += pixels[y * width + x] } }
                out[ty * tw + tx] = sum / Float((y1 - y0) * (x1 - x0))
            }
        }
        return LumaFrame(index: index, timestamp: timestamp, width: tw, height: th, pixels: out)
    }
}
