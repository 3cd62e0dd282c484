/// A rectangle in frame coordinates scaled to 0…1 (x to the right, y down), so that a region
/// found on small thumbnails applies to the full-resolution frame.
public struct NormalizedRect: Sendable, Equatable, CustomStringConvertible {
    public var x: Double
    public var y: Double
    public var width: Double
    public var height: Double

    public init(x: Double, y: Double, width: Double, height: Double) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }

    public static let full = NormalizedRect(x: 0, y: 0, width: 1, height: 1)

    /// The rectangle of pixel columns `minX…maxX` and rows `minY…maxY` (inclusive) of a
    /// `width` × `height` grid.
    public init(columns minX: Int, _ maxX: Int, rows minY: Int, _ maxY: Int, width: Int, height: Int) {
        self.init(x: Double(minX) / Double(width), y: Double(minY) / Double(height),
                  width: Double(maxX - minX + 1) / Double(width), height: Double(maxY - minY + 1) / Double(height))
    }

    public var area: Double { width * height }

    /// Intersection over union with another rectangle (1: the same box, 0: disjoint).
    public func overlap(with other: NormalizedRect) -> Double {
        let w = min(x + width, other.x + other.width) - max(x, other.x)
        let h = min(y + height, other.y + other.height) - max(y, other.y)
        guard w > 0, h > 0 else { return 0 }
        let inter = w * h
        return inter / (area + other.area - inter)
    }

    public var isFull: Bool { x <= 1e-9 && y <= 1e-9 && width >= 1 - 1e-9 && height >= 1 - 1e-9 }

    /// Whole pixels of a `frameWidth` × `frameHeight` frame: (x, y, width, height), at least 1×1.
    public func pixels(frameWidth: Int, frameHeight: Int) -> (x: Int, y: Int, width: Int, height: Int) {
        let x0 = max(0, min(frameWidth - 1, Int((x * Double(frameWidth)).rounded())))
        let y0 = max(0, min(frameHeight - 1, Int((y * Double(frameHeight)).rounded())))
        let x1 = max(x0 + 1, min(frameWidth, Int(((x + width) * Double(frameWidth)).rounded())))
        let y1 = max(y0 + 1, min(frameHeight, Int(((y + height) * Double(frameHeight)).rounded())))
        return (x0, y0, x1 - x0, y1 - y0)
    }

    public var description: String { "(x \(x), y \(y), w \(width), h \(height))" }
}
