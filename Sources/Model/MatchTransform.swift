/// What a match needed: the plain frame hashes, the query's mirrored hash, a region (crop)
/// hash on either side, the query's picture turned (`Orientation`), or several of these. The
/// raw values are the timeline CSV's `transform` column: the orientation's word, then `+crop`.
public enum MatchTransform: String, Sendable, Hashable, CaseIterable {
    case none
    case mirror
    case crop
    case mirrorCrop = "mirror+crop"
    // The turned forms (issue 13): appended, so stored positions of the first four stay.
    case rot90
    case rot180
    case rot270
    case mirrorRot90 = "mirror+rot90"
    case mirrorRot180 = "mirror+rot180"
    case mirrorRot270 = "mirror+rot270"
    case rot90Crop = "rot90+crop"
    case rot180Crop = "rot180+crop"
    case rot270Crop = "rot270+crop"
    case mirrorRot90Crop = "mirror+rot90+crop"
    case mirrorRot180Crop = "mirror+rot180+crop"
    case mirrorRot270Crop = "mirror+rot270+crop"

    public init(mirrored: Bool, cropped: Bool) {
        self.init(orientation: mirrored ? .mirror : .none, cropped: cropped)
    }

    public init(orientation: Orientation, cropped: Bool) {
        switch orientation {
        case .none: self = cropped ? .crop : .none
        case .mirror: self = cropped ? .mirrorCrop : .mirror
        default: self = MatchTransform(rawValue: orientation.word + (cropped ? "+crop" : ""))!
        }
    }

    /// How the query's picture relates to the reference's (mirrored, turned).
    public var orientation: Orientation {
        switch self {
        case .none, .crop: .none
        case .mirror, .mirrorCrop: .mirror
        case .rot90, .rot90Crop: .rot90
        case .rot180, .rot180Crop: .rot180
        case .rot270, .rot270Crop: .rot270
        case .mirrorRot90, .mirrorRot90Crop: .mirrorRot90
        case .mirrorRot180, .mirrorRot180Crop: .mirrorRot180
        case .mirrorRot270, .mirrorRot270Crop: .mirrorRot270
        }
    }

    /// The same relation seen from the other file: the turn undone, mirror and crop kept.
    public var inverse: MatchTransform { MatchTransform(orientation: orientation.inverse, cropped: isCropped) }

    public var isMirrored: Bool { orientation.mirrored }
    public var isCropped: Bool {
        switch self {
        case .crop, .mirrorCrop, .rot90Crop, .rot180Crop, .rot270Crop, .mirrorRot90Crop, .mirrorRot180Crop, .mirrorRot270Crop: true
        default: false
        }
    }
}
