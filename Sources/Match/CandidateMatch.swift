import KeyprintModel

/// The best match found so far between the current query frame and one reference frame
/// (`CandidateLookup.lookUp`): the distance of the probe that found it and what it reports.
struct CandidateMatch: Sendable {
    var distance: Int
    var transform: MatchTransform

    /// An unturned match before a turned one (a turned probe only fills in reference frames the
    /// unturned probes missed, so results without turns stay as they were); then closer first;
    /// at equal distance the plainer transform (`MatchTransform.plainness`).
    func isBetter(than other: CandidateMatch) -> Bool {
        let (ta, tb) = (transform.orientation.isRotated, other.transform.orientation.isRotated)
        if ta != tb { return !ta }
        if distance != other.distance { return distance < other.distance }
        return transform.plainness < other.transform.plainness
    }
}

extension MatchTransform {
    /// Rank among matches at equal distance, plainest first: none, crop, mirror, mirror+crop,
    /// then the turns (each before its crop).
    var plainness: Int {
        switch self {
        case .none: 0
        case .crop: 1
        case .mirror: 2
        case .mirrorCrop: 3
        default: 4 + orientation.rawValue * 2 + (isCropped ? 1 : 0)
        }
    }
}
