import KeyprintModel
import KeyprintIndex

/// Matches query videos against a fixed set of reference videos. A facade over the stages of
/// matching (docs/matching.md, "The matcher's stages"), in the order a query goes through them:
///
/// 1. `ReferenceIndex`: the references' whole-frame, picture and region hashes as entries,
///    searched exhaustively or seeded; built once, in `init`.
/// 2. `CandidateLookup`: a query frame's probes (`Probe`) → raw frame matches per reference,
///    after the region check (`RegionCheck`).
/// 3. `FrequencyWeighting`: document frequency, strong links, common frames → weighted matches.
/// 4. `SegmentAligner`: per (query, reference) pair, the weighted matches → segments.
/// 5. `SegmentExtension`: each segment grown along its line and given its reported extent.
///
/// `match(query:)` may be called for many queries, concurrently. It knows nothing of the store:
/// the caller turns its rows into `VideoFrames` and the segments back into rows.
public struct Matcher: Sendable {
    public let settings: MatchSettings
    let index: ReferenceIndex
    let lookup: CandidateLookup
    let weighting: FrequencyWeighting
    let aligner: SegmentAligner
    let growth: SegmentExtension

    /// - Parameter prebuiltSeeds: seed tables kept from an earlier matcher (`seedTables`, e.g.
    ///   in a persistent index file); used only when they were built over exactly these
    ///   entries (same hashes, indexed flags and table count), otherwise the index is built.
    public init(references: [VideoFrames], settings: MatchSettings = MatchSettings(), prebuiltSeeds: SeedIndex.Tables? = nil) {
        self.settings = settings
        self.index = ReferenceIndex(references: references, settings: settings, prebuiltSeeds: prebuiltSeeds)
        self.lookup = CandidateLookup(index: index, settings: settings)
        self.weighting = FrequencyWeighting(settings: settings)
        self.aligner = SegmentAligner(settings: settings)
        self.growth = SegmentExtension(settings: settings)
    }

    public var references: [VideoFrames] { index.references }
    /// The search in use (`automatic` resolved by the index size).
    public var search: MatchSettings.CandidateSearch { index.candidateSearch }
    /// Entries that are indexed (and looked up against).
    public var indexedHashCount: Int { index.indexedCount }
    /// Whether the seed index came from `prebuiltSeeds` instead of being built.
    public var reusedSeeds: Bool { index.reusedSeeds }

    /// The seed index's tables with the digest of its entries, to keep and pass back as
    /// `prebuiltSeeds`; nil for the exhaustive search.
    public var seedTables: SeedIndex.Tables? { index.seedTables }

    /// Bytes of the matcher's own search structures (index, hashes, entry ranges), for benchmarks.
    public var indexByteCount: Int { index.byteCount }

    /// For each of `queries`, whether adding (or changing) the references `videoIDs` could
    /// change the query's segments (`CandidateLookup.touches`).
    public func touches(queries: [VideoFrames], videoIDs: Set<Int64>) -> [Bool] {
        lookup.touches(queries: queries, videoIDs: videoIDs)
    }

    /// Every frame match of `query` against every reference with a different `videoID`, by
    /// reference position in `references`, all with weight 1. Query frames below `minQuality`
    /// are not looked up; per reference frame the closest hash variant wins.
    public func rawFrameMatches(query: VideoFrames) -> [Int: [FrameMatch]] {
        lookup.lookUp(query: query).matches
    }

    /// The frame matches that may vote, weighted by document frequency (`FrequencyWeighting`).
    public func frameMatches(query: VideoFrames) -> [Int: [FrameMatch]] {
        weighing(query: query).matches
    }

    /// The query's lookup, weighted.
    func weighing(query: VideoFrames) -> WeightedMatches {
        weighting.weigh(lookup.lookUp(query: query), query: query, references: references)
    }

    /// Segments of `query` matching any reference other than itself, best score first.
    public func match(query: VideoFrames) -> [MatchSegment] {
        matchTracingReferences(query: query).segments
    }

    /// `match(query:)`, and the video ids of every reference the query's frames matched at all
    /// (raw frame matches, and near-identical whole frames that failed the region check), in
    /// ascending order: the only references whose frames decide this query's segments (through
    /// alignment and document frequency). A query that matches none of a set of added files
    /// keeps its segments when they are added (incremental matching).
    public func matchTracingReferences(query: VideoFrames) -> (segments: [MatchSegment], touched: [Int64]) {
        var out: [MatchSegment] = []
        let weighted = weighing(query: query)
        for (v, matches) in weighted.matches.sorted(by: { $0.key < $1.key }) {
            out += aligner.segments(from: matches, queryVideoID: query.videoID, referenceVideoID: references[v].videoID)
                .map { growth.extended($0, query: query, reference: references[v], common: weighted.common) }
        }
        return (out.sorted { ($0.score, $1.queryStart) > ($1.score, $0.queryStart) }, weighted.touched.map { references[$0].videoID }.sorted())
    }
}
