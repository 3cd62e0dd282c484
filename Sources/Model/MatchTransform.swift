/// What a match needed: the plain frame hashes, the query's mirrored hash, a region (crop)
/// hash on either side, or both. The raw values are the timeline CSV's `transform` column.
public enum MatchTransform: String, Sendable, Hashable, CaseIterable {
    case none
    case mirror
    case crop
    case mirrorCrop = "mirror+crop"

    public init(mirrored: Bool, cropped: Bool) {
        switch (mirrored, cropped) {
        case (false, false): self = .none
        case (true, false): self = .mirror
        case (false, true): self = .crop
        case (true, true): self = .mirrorCrop
        }
    }

    public var isMirrored: Bool { self == .mirror || self == .mirrorCrop }
    public var isCropped: Bool { self == .crop || self == .mirrorCrop }
}
