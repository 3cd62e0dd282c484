import KeyprintModel

/// One hash a query frame is looked up with (`CandidateLookup.probes`): one of the frame's
/// hashes (`kind`), as stored, mirrored or turned (`orientation`).
struct Probe: Sendable {
    /// The hash looked up.
    var hash: PDQHash
    /// Which of the query frame's hashes it is.
    var kind: FrameHashKind
    /// What the probe undoes, and what a match through it reports: `none` for the hash itself,
    /// `mirror` for its mirror hash, a turn or mirrored turn for a turned probe
    /// (`FrameHash.probe(undoing:)`, issue 13).
    var orientation: Orientation

    /// Whether it is the mirror hash (plain or turned).
    var isMirrored: Bool { orientation.mirrored }
    /// Whether it is a turned probe: it only fills in reference frames no unturned probe
    /// matched (`CandidateMatch.isBetter(than:)`).
    var isTurned: Bool { orientation.isRotated }
}
