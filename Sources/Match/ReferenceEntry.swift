import KeyprintModel

/// An indexed entry of the reference index (`ReferenceIndex.entry(_:of:)`): the frame it
/// belongs to (a position in its reference's `frames`) and which of that frame's hashes it is.
struct ReferenceEntry: Sendable {
    var frame: Int
    var kind: FrameHashKind
}
