/// One of the eight rotations and mirror images of a picture (the dihedral group of the
/// square): `rotation` clockwise quarter turns applied after an optional left–right mirror.
/// As a match transform it says how the query's pixels relate to the reference's: the query
/// shows the reference's picture mirrored (when `mirrored`), then turned clockwise by
/// `rotation` × 90° (a phone held sideways while re-recording a screen).
public enum Orientation: Int, Sendable, Hashable, CaseIterable {
    case none = 0, rot90, rot180, rot270, mirror, mirrorRot90, mirrorRot180, mirrorRot270

    public init(mirrored: Bool, quarterTurns: Int) {
        let r = ((quarterTurns % 4) + 4) % 4
        self.init(rawValue: (mirrored ? 4 : 0) + r)!
    }

    public var mirrored: Bool { rawValue >= 4 }
    /// Clockwise quarter turns after the mirror (0…3).
    public var quarterTurns: Int { rawValue & 3 }
    /// Whether the picture is turned at all (not just mirrored).
    public var isRotated: Bool { quarterTurns != 0 }

    /// `self` after `first`: the picture transformed by `first`, then by `self`. A mirror moves
    /// past a turn by reversing it (mirror · turn r = turn −r · mirror).
    public func after(_ first: Orientation) -> Orientation {
        Orientation(mirrored: mirrored != first.mirrored,
                    quarterTurns: quarterTurns + (mirrored ? -first.quarterTurns : first.quarterTurns))
    }

    /// The transform that undoes this one: a turn turns back; every mirrored form is its own inverse.
    public var inverse: Orientation {
        mirrored ? self : Orientation(mirrored: false, quarterTurns: -quarterTurns)
    }

    /// The word of the timeline's `transform` column ("" for none).
    public var word: String {
        switch self {
        case .none: ""
        case .mirror: "mirror"
        case .rot90: "rot90"
        case .rot180: "rot180"
        case .rot270: "rot270"
        case .mirrorRot90: "mirror+rot90"
        case .mirrorRot180: "mirror+rot180"
        case .mirrorRot270: "mirror+rot270"
        }
    }
}

/// The hashes of a frame's picture turned and mirrored (the six orientations besides the
/// frame itself and its left–right mirror, which `FrameHash` holds), each derived from the
/// same PDQ DCT. `hash(of:)` is the hash of the picture transformed by an orientation.
public struct DihedralHashes: Sendable, Equatable {
    /// Indexed by `Orientation.rawValue` for rot90, rot180, rot270, mirrorRot90, mirrorRot180,
    /// mirrorRot270 (positions 0…5).
    public var hashes: [PDQHash]

    public init(hashes: [PDQHash]) {
        precondition(hashes.count == 6, "six dihedral hashes")
        self.hashes = hashes
    }

    /// The orientations stored, in `hashes` order.
    public static let stored: [Orientation] = [.rot90, .rot180, .rot270, .mirrorRot90, .mirrorRot180, .mirrorRot270]

    /// Position of `o` in `hashes`, nil for none and mirror (the frame's own hashes).
    @inline(__always)
    public static func slot(_ o: Orientation) -> Int? {
        switch o {
        case .none, .mirror: nil
        case .rot90, .rot180, .rot270: o.rawValue - 1
        case .mirrorRot90, .mirrorRot180, .mirrorRot270: o.rawValue - 2
        }
    }

    /// 192 bytes: the six hashes' 32-byte forms in order (the `dihedral_frames.hashes` blob).
    public var bytes: [UInt8] { hashes.flatMap(\.bytes) }

    public init?(bytes: some Collection<UInt8>) {
        let b = Array(bytes)
        guard b.count == 6 * 32 else { return nil }
        var out: [PDQHash] = []
        for k in 0..<6 {
            guard let h = PDQHash(bytes: b[(k * 32)..<(k * 32 + 32)]) else { return nil }
            out.append(h)
        }
        hashes = out
    }
}

extension FrameHash {
    /// The hash of this frame's picture transformed by `o`: the frame's own hash, its mirror
    /// hash, or a dihedral hash; nil for a turn when the frame has no dihedral hashes.
    @inline(__always)
    public func hash(oriented o: Orientation) -> PDQHash? {
        switch o {
        case .none: return hash
        case .mirror: return mirrorHash
        default: return dihedral.map { $0.hashes[DihedralHashes.slot(o)!] }
        }
    }

    /// The hash to look this frame up with when it may be the reference transformed by `o`:
    /// the picture with `o` undone.
    @inline(__always)
    public func probe(undoing o: Orientation) -> PDQHash? { hash(oriented: o.inverse) }
}
