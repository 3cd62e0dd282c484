import KeyprintModel
import KeyprintIndex

/// The knobs of matching. Defaults follow vPDQ (radius 31, quality 50) and
/// shared/NOTES-matching.md (slopes 0.5…2, drop frames that match 3+ other videos).
public struct MatchSettings: Sendable, Equatable {
    /// Largest Hamming distance (of 256 bits) at which two frame hashes match.
    public var thresholdBits: Int = 31
    /// Frames below this PDQ quality (black, flat, blurred) are ignored on both sides.
    public var minQuality: Int = 50
    /// Shortest segment kept, in seconds of query time.
    public var minDuration: Double = 3.0
    /// Fewest distinct query frames a segment must have.
    public var minMatchedFrames: Int = 3
    /// Reference speed relative to the query that alignment tries (rt ≈ slope × qt + offset).
    public var slopes: [Double] = [0.5, 2.0 / 3.0, 0.75, 0.8, 1.0, 1.25, 4.0 / 3.0, 1.5, 2.0]
    /// A found segment grows along its line over neighbouring frames within this distance
    /// (hysteresis: `thresholdBits` finds, this decides where it ends); ≤ `thresholdBits`: off.
    public var extendThresholdBits: Int = 47
    /// Width of the offset histogram bins, seconds.
    public var offsetBin: Double = 1.0
    /// How far (seconds of reference time) a frame match may lie off the segment's line.
    public var offsetTolerance: Double = 1.0
    /// Growing a segment: a reference frame this close (seconds) to the line time decides a
    /// query frame that does not match it as a miss; farther away it is unknown.
    public var verifyTolerance: Double = 0.125
    /// … and one farther away counts as unknown (not a miss) only when it is within this many
    /// bits (unrelated PDQ hashes are 128 ± 8 bits apart; nearby moments of one recording are
    /// closer). Measured on samples/: the 1.25× copy's last samples are 30–52 bits from the
    /// original's samples 0.3–0.5 s off their line time.
    public var relatedThresholdBits: Int = 90
    /// Longest run of query time without a matching frame that a segment bridges, seconds.
    public var maxGap: Double = 4.0
    /// A query frame whose hash matches frames of this many different other videos or more is
    /// not used at all (a shared opening screen, black, a logo); below it, it counts 1/df.
    /// Videos strongly linked to the query over that frame do not count (see below).
    public var maxDocumentFrequency: Int = 3
    /// A reference is strongly linked to the query over a segment of a first, unweighted
    /// alignment that lasts this long (seconds) …
    public var strongLinkDuration: Double = 5.0
    /// … and whose query frames show at least this many different pictures (a still screen
    /// is one). Its matches there do not make the query's frames "common".
    public var strongLinkMinStates: Int = 3
    /// Whole frames of videos with region hashes (their content region: the remote pane, the
    /// picture inside bars) can be dominated by static chat chrome that unrelated calls share.
    /// Set: match them without any check (see `regionCheckedWholeFrames` for the default).
    public var matchWholeFramesOfRegionVideos: Bool = false
    /// With `matchWholeFramesOfRegionVideos` off: whole frames of region videos are still
    /// matched, but a whole-frame match between two videos that both have regions counts only
    /// when the two frames' region hashes agree within `extendThresholdBits` (shared chrome
    /// around different panes fails that; a re-encode with a watermark in its pane, whose
    /// region hashes drift past the radius while the whole frames stay close, passes). Off:
    /// region videos are represented by their region hashes only.
    public var regionCheckedWholeFrames: Bool = true
    /// A whole-frame match this close (bits) passes the region check without it when the two
    /// frames' content regions are different boxes (overlap below `sameRegionOverlap`): their
    /// region hashes then describe different parts of the picture and say nothing. Shared
    /// chrome around different panes of one app gives the same box on both sides and stays
    /// checked. 0: always check.
    public var differentRegionWholeFrameBits: Int = 15
    /// Every-against-every matching also links two files that did not match each other but
    /// both matched a third one over the same stretch (`LinkDeriver`), marked as derived.
    public var deriveLinks: Bool = true
    /// Regions overlapping at least this much (intersection over union) are the same box.
    public var sameRegionOverlap: Double = 0.9
    /// How query frames find the reference frames they match (docs/matching.md §1).
    public var candidateSearch: CandidateSearch = .automatic
    /// `CandidateSearch.automatic`: the largest index (entries: reference frame, region and
    /// picture hashes) searched exhaustively; larger ones are seeded.
    public var exhaustiveSearchLimit: Int = 100_000
    /// `CandidateSearch.seeded`: number of 25-bit chunks a seed must agree on exactly (one of).
    /// nil: `SeedIndex.defaultTableCount` (9 up to 2^24 indexed entries: every pair within 8
    /// bits, most within 16; 8 up to 2^27, so the index stays within 64 B per hash).
    public var seedTables: Int? = nil
    /// `CandidateSearch.seeded`: a query frame whose seeds reach this many different references
    /// or more is *crowded* (a shared intro, a logo). It is far past `maxDocumentFrequency`, so
    /// it cannot vote; its seeds count toward document frequency and the strong-link test,
    /// but they do not make their references candidates for a full comparison. A cost cap,
    /// not a quality knob: the frames it concerns are dropped as common either way.
    public var crowdedSeedReferences: Int = 32
    /// Also look query frames up turned and mirrored-and-turned (`FrameHash.dihedral`, issue 13):
    /// re-recordings of a screen with the phone held sideways or upside down. Turned probes only
    /// fill in reference frames no unturned probe matched (docs/matching.md, "Turned copies").
    public var turnedProbes: Bool = true

    /// How the matcher finds, for each query frame, the reference frames within `thresholdBits`.
    public enum CandidateSearch: String, Sendable, Equatable, CaseIterable {
        /// Every stored frame within the radius, by `HammingIndex` (multi-index hashing, 16-bit
        /// chunks): exact, but a lookup checks about E / 241 candidates of E stored hashes at
        /// radius 31, so every-against-every matching grows with the square of the library.
        case exhaustive
        /// Seed and extend: candidate reference videos are those with a frame that agrees
        /// with a query frame exactly on one long chunk (`SeedIndex`); each candidate's frames
        /// are then compared with every query frame at the full radius. Equal to `exhaustive`
        /// for every reference that has a seed; a reference whose every frame match lies
        /// beyond the seeds' reach (no frame pair agreeing on any chunk) is not seen.
        case seeded
        /// `exhaustive` up to `exhaustiveSearchLimit` indexed hashes, `seeded` beyond: exact
        /// results while exactness is cheap, sub-linear lookups at library scale.
        case automatic
    }

    public init() {}

    public init(thresholdBits: Int = 31, minQuality: Int = 50, minDuration: Double = 3.0,
                minMatchedFrames: Int = 3, maxDocumentFrequency: Int = 3) {
        self.thresholdBits = thresholdBits
        self.minQuality = minQuality
        self.minDuration = minDuration
        self.minMatchedFrames = minMatchedFrames
        self.maxDocumentFrequency = maxDocumentFrequency
    }
}
