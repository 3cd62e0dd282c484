import KeyprintModel

/// The content region of a video, in two steps on its sampled frames' thumbnails: remove
/// letterbox/pillarbox bars (`LetterboxDetector`), then find the part that changes over time
/// inside them (`ActiveRegionDetector`). Returns nil when the region is the whole frame (no bars,
/// no static chrome, or no evidence): the whole-frame hashes then describe the content.
public struct ContentRegionDetector: Sendable {
    public var letterbox = LetterboxDetector()
    public var active = ActiveRegionDetector()
    /// Bars must take at least this fraction of the frame for the picture inside them to get
    /// hashes of its own (a portrait re-upload of a landscape capture: about 0.7). Chat layouts
    /// have flat strips of chrome along their edges that the letterbox detector also peels
    /// (on samples/ 2–12 % of the frame); those are not a re-upload's bars.
    public var pictureMinBars: Double = 0.25
    /// A region covering at least this fraction of the frame counts as the whole frame.
    public var wholeFrameFraction: Double = 0.95
    /// Cuts between shots, for `detectShots`.
    public var shots = ShotBoundaryDetector()
    /// A shot with fewer sampled frames than this has no region (too little evidence of what
    /// moves); its frames are described by their whole-frame hashes.
    public var minShotFrames: Int = 3

    public init() {}

    public func detect(_ thumbnails: [LumaFrame]) -> NormalizedRect? {
        regionAndBars(thumbnails)?.region
    }

    /// `detect`, and the picture inside letterbox or pillarbox bars when there are bars and the
    /// region is a smaller part of it (a chat pane inside a letterboxed re-upload): that
    /// picture, bars removed, is what the original's whole frame shows. nil without bars or
    /// when the region is the picture itself.
    public func detectRegionAndPicture(_ thumbnails: [LumaFrame]) -> (region: NormalizedRect?, picture: NormalizedRect?) {
        guard let (region, bars) = regionAndBars(thumbnails) else { return (nil, nil) }
        let picture = bars.area <= 1 - pictureMinBars && (region ?? .full) != bars ? Self.solidBarsPicture(bars, thumbnails) : nil
        return (region, picture)
    }

    /// The content region (nil: the whole frame) and the letterbox detector's bars; nil without
    /// thumbnails.
    private func regionAndBars(_ thumbnails: [LumaFrame]) -> (region: NormalizedRect?, bars: NormalizedRect)? {
        guard !thumbnails.isEmpty else { return nil }
        let bars = letterbox.detect(thumbnails)
        let inner = thumbnails.map { $0.cropped(to: bars) }
        var region = bars
        if let moving = active.detect(inner) {
            region = NormalizedRect(x: bars.x + moving.x * bars.width, y: bars.y + moving.y * bars.height,
                                    width: moving.width * bars.width, height: moving.height * bars.height)
        }
        return (region.area >= wholeFrameFraction ? nil : region, bars)
    }

    /// The picture inside solid-colour bars: the letterbox detector peels every line without
    /// detail, which inside a chat capture includes flat rows of chrome next to the bars (a
    /// plain title bar, a plain margin), and the picture crop is then cut short. Per side
    /// (`barDepth`): behind solid dark padding, only the run of solid lines of the padding's
    /// colour is bar; otherwise (blurred bars) the detector's edge stands when it is deep enough
    /// to be a bar at all. Columns are judged over the picture's rows.
    static func solidBarsPicture(_ bars: NormalizedRect, _ frames: [LumaFrame]) -> NormalizedRect {
        guard let first = frames.first else { return bars }
        let w = first.width, h = first.height
        let same = frames.filter { $0.width == w && $0.height == h }
        guard !same.isEmpty else { return bars }
        let box = bars.pixels(frameWidth: w, frameHeight: h)
        /// Mean luma and mean (over frames) spread along a line given by its pixel offsets.
        func stats(_ offsets: [Int]) -> (mean: Float, spread: Float) {
            var mean: Float = 0, spread: Float = 0
            for f in same {
                let v = offsets.map { f.pixels[$0] }
                let m = v.reduce(0, +) / Float(v.count)
                mean += m
                spread += (v.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Float(v.count)).squareRoot()
            }
            return (mean / Float(same.count), spread / Float(same.count))
        }
        /// How many of the peeled lines (outermost first) are bar. A solid dark outermost line
        /// (padding): the run of solid lines of its colour. Otherwise (a blurred bar, or flat
        /// chrome at the picture's edge): all of them when they are at least `pictureMinBarDepth`
        /// of the side, none when fewer (a margin of the picture, not a bar).
        func barDepth(_ lines: [[Int]], side: Int) -> Int {
            let s = lines.map(stats)
            guard let outer = s.first else { return 0 }
            guard outer.spread <= solidBarLevels, outer.mean <= darkBarLevel else {
                return Double(s.count) >= pictureMinBarDepth * Double(side) ? s.count : 0
            }
            return s.firstIndex { $0.spread > solidBarLevels || abs($0.mean - outer.mean) > pictureEdgeLevels } ?? s.count
        }
        let rowOffsets = { (y: Int) in (0..<w).map { y * w + $0 } }
        let top = barDepth((0..<box.y).map(rowOffsets), side: h)
        let bottom = h - 1 - barDepth(((box.y + box.height)..<h).reversed().map(rowOffsets), side: h)
        guard bottom > top else { return bars }
        let columnOffsets = { (x: Int) in (top...bottom).map { $0 * w + x } }
        let left = barDepth((0..<box.x).map(columnOffsets), side: w)
        let right = w - 1 - barDepth(((box.x + box.width)..<w).reversed().map(columnOffsets), side: w)
        guard right > left else { return bars }
        return NormalizedRect(columns: left, right, rows: top, bottom, width: w, height: h)
    }

    /// Mean luma at or below which a solid bar counts as padding (black or near black).
    static let darkBarLevel: Float = 24
    /// A bar that is not solid dark padding must take at least this share of its side.
    static let pictureMinBarDepth = 0.05
    /// Largest spread of luma along a line (levels, mean over frames) of a solid-colour bar.
    static let solidBarLevels: Float = 3
    /// A peeled line whose mean luma differs from a solid bar's colour by more than this is
    /// picture (flat chrome), not bar.
    static let pictureEdgeLevels: Float = 8

    /// The content region per shot: the thumbnails (in time order) are cut where nearly every
    /// pixel changes (`ShotBoundaryDetector`) and each shot of at least `minShotFrames` frames
    /// gets `detect` of its own frames. Without cuts this is one shot with `detect(thumbnails)`.
    /// Hash each sampled frame's crop to the region of the shot containing its timestamp
    /// (`ShotRegion.region(at:in:)`), or its whole frame where that is nil.
    public func detectShots(_ thumbnails: [LumaFrame]) -> [ShotRegion] {
        guard let first = thumbnails.first else { return [] }
        let cuts = shots.cuts(thumbnails)
        guard !cuts.isEmpty else { return [ShotRegion(startTime: first.timestamp, region: detect(thumbnails))] }
        let bounds = [0] + cuts + [thumbnails.count]
        return zip(bounds, bounds.dropFirst()).map { lo, hi in
            let shot = Array(thumbnails[lo..<hi])
            return ShotRegion(startTime: shot[0].timestamp, region: shot.count >= minShotFrames ? detect(shot) : nil)
        }
    }
}
