import KeyprintModel

/// Finds cuts between shots in a video's sampled frames (small luma thumbnails), so that a
/// video whose layout changes (a compilation: an intro, an excerpt of one chat capture, other
/// footage, an excerpt of another capture) gets a content region per shot instead of one box
/// for the whole video, which would grow to the whole frame.
///
/// A cut lies between two consecutive sampled frames when nearly every pixel changed: the
/// fraction of pixels whose luma differs by more than `levelThreshold` reaches `changedFraction`.
/// Inside one chat layout the static chrome keeps its pixels, so the fraction stays below it
/// even when the pane changes completely; a video that changes everywhere all the time (full-frame
/// content, a pane-only re-upload) is cut into one-frame shots, which have no region, and is then
/// described by its whole frames, as it would be without cuts.
public struct ShotBoundaryDetector: Sendable {
    public var levelThreshold: Float = 16
    public var changedFraction: Double = 0.85

    public init(levelThreshold: Float = 16, changedFraction: Double = 0.85) {
        self.levelThreshold = levelThreshold
        self.changedFraction = changedFraction
    }

    /// Positions i (1 ≤ i < frames.count) where a new shot starts at frames[i]. Frames of a
    /// different size from their predecessor always start a new shot.
    public func cuts(_ frames: [LumaFrame]) -> [Int] {
        guard frames.count >= 2 else { return [] }
        return (1..<frames.count).filter { isCut(frames[$0 - 1], frames[$0]) }
    }

    /// Whether a new shot starts at `b`, the sampled frame after `a` (the rule is local to the
    /// two frames, so cuts can be found while decoding).
    public func isCut(_ a: LumaFrame, _ b: LumaFrame) -> Bool {
        guard a.width == b.width, a.height == b.height, !a.pixels.isEmpty else { return true }
        var changed = 0
        for k in 0..<a.pixels.count where abs(a.pixels[k] - b.pixels[k]) > levelThreshold { changed += 1 }
        return Double(changed) >= changedFraction * Double(a.pixels.count)
    }
}
