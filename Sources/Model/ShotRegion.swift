/// One shot of a video and its content region (nil: the whole frame describes it).
public struct ShotRegion: Sendable, Equatable {
    /// Timestamp of the shot's first sampled frame; the shot lasts until the next one's.
    public var startTime: Double
    public var region: NormalizedRect?

    public init(startTime: Double, region: NormalizedRect?) {
        self.startTime = startTime
        self.region = region
    }

    /// The region of the shot that contains time `t` (the last shot starting at or before it;
    /// the first shot for earlier times).
    public static func region(at t: Double, in shots: [ShotRegion]) -> NormalizedRect? {
        guard var current = shots.first else { return nil }
        for s in shots where s.startTime <= t + 1e-9 { current = s }
        return current.region
    }
}
