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
        detectRegionAndPicture(thumbnails).region
    }

    /// `detect`, and the picture inside letterbox or pillarbox bars when there are bars and the
    /// region is a smaller part of it (a chat pane inside a letterboxed re-upload): that
    /// picture, bars removed, is what the original's whole frame shows. nil without bars or
    /// when the region is the picture itself.
    public func detectRegionAndPicture(_ thumbnails: [LumaFrame]) -> (region: NormalizedRect?, picture: NormalizedRect?) {
        guard !thumbnails.isEmpty else { return (nil, nil) }
        let bars = letterbox.detect(thumbnails)
        let inner = thumbnails.map { $0.cropped(to: bars) }
        var region = bars
        if let moving = active.detect(inner) {
            region = NormalizedRect(x: bars.x + moving.x * bars.width, y: bars.y + moving.y * bars.height,
                                    width: moving.width * bars.width, height: moving.height * bars.height)
        }
        let picture = bars.area <= 1 - pictureMinBars && region != bars ? bars : nil
        return (region.area >= wholeFrameFraction ? nil : region, picture)
    }

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
