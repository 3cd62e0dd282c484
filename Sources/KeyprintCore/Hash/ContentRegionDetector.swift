/// The content region of a video, in two steps on its sampled frames' thumbnails: remove
/// letterbox/pillarbox bars (`LetterboxDetector`), then find the part that changes over time
/// inside them (`ActiveRegionDetector`). Returns nil when the region is the whole frame (no bars,
/// no static chrome, or no evidence): the whole-frame hashes then describe the content.
public struct ContentRegionDetector: Sendable {
    public var letterbox = LetterboxDetector()
    public var active = ActiveRegionDetector()
    /// A region covering at least this fraction of the frame counts as the whole frame.
    public var wholeFrameFraction: Double = 0.95

    public init() {}

    public func detect(_ thumbnails: [LumaFrame]) -> NormalizedRect? {
        guard !thumbnails.isEmpty else { return nil }
        let bars = letterbox.detect(thumbnails)
        let inner = thumbnails.map { $0.cropped(to: bars) }
        var region = bars
        if let moving = active.detect(inner) {
            region = NormalizedRect(x: bars.x + moving.x * bars.width, y: bars.y + moving.y * bars.height,
                                    width: moving.width * bars.width, height: moving.height * bars.height)
        }
        return region.area >= wholeFrameFraction ? nil : region
    }
}
