import KeyprintModel
import KeyprintIndex

/// What one query's lookup found, before any alignment: its raw frame matches per reference
/// and the weight document frequency gives each of its frames. Pair matching (`Matcher.pairSegments`)
/// combines the evidence of both files of a pair, so that a pair's segments do not depend on
/// which of the two was the query.
public struct QueryEvidence: Sendable, Equatable {
    public var videoID: Int64
    /// Frame matches (weight 1) by reference video id, in (query frame, reference frame) order.
    public var matches: [Int64: [FrameMatch]]
    /// Query frame position → its weight where it is not 1: 1 / df, or 0 for a frame dropped
    /// as common (df ≥ `maxDocumentFrequency`).
    public var weights: [Int: Double]
    /// Video ids of every reference the query's frames matched at all (raw matches, failed
    /// region checks, seeds), ascending: what the evidence depends on (incremental matching).
    public var touched: [Int64]

    public init(videoID: Int64, matches: [Int64: [FrameMatch]], weights: [Int: Double], touched: [Int64]) {
        self.videoID = videoID; self.matches = matches; self.weights = weights; self.touched = touched
    }

    /// The weight of query frame `frame` (1 when its df is 0 or 1).
    public func weight(_ frame: Int) -> Double { weights[frame] ?? 1 }

    /// The query's frames dropped as common.
    public var common: Set<Int> { Set(weights.filter { $0.value == 0 }.keys) }

    /// The references with at least one frame match, ascending.
    public var matchedReferences: [Int64] { matches.filter { !$0.value.isEmpty }.keys.sorted() }
}

extension Matcher {
    /// The query's evidence: `rawFrameMatches` by reference video id and the document-frequency
    /// weights of `frameMatches` (same rules: docs/matching.md §2.3).
    public func evidence(query: VideoFrames) -> QueryEvidence {
        let w = weighing(query: query)
        var matches: [Int64: [FrameMatch]] = [:]
        for (v, list) in w.raw where !list.isEmpty { matches[references[v].videoID] = list }
        var weights: [Int: Double] = [:]
        for (qf, df) in w.documentFrequency where df > 1 {
            weights[qf] = df >= settings.maxDocumentFrequency ? 0 : 1 / Double(df)
        }
        return QueryEvidence(videoID: query.videoID, matches: matches, weights: weights,
                             touched: w.touched.map { references[$0].videoID }.sorted())
    }

    /// Whether `a` is the query side when a pair is aligned in its canonical orientation: of two
    /// files sampled at clearly different rates (median spacing more than `denserSampling`
    /// apart: a scan at 1 frame/s against imported every-frame vPDQ hashes) the sparser one,
    /// whose every sample has a reference frame near it on the line (from the denser side, the
    /// frames between two of its samples would be aligned to the nearest sample, tens of bits
    /// off); else the file whose sampled time ends first (the excerpt, found in the longer file),
    /// on equal ends the one with the larger video id. A property of the two files only, never
    /// of the others in the case.
    public static func isCanonicalQuery(_ a: VideoFrames, over b: VideoFrames) -> Bool {
        let (ia, ib) = (VideoFrames.typicalInterval(a.frames.map(\.timestamp)), VideoFrames.typicalInterval(b.frames.map(\.timestamp)))
        if max(ia, ib) > denserSampling * min(ia, ib) { return ia > ib }
        let (ea, eb) = (sampledEnd(a), sampledEnd(b))
        if ea != eb { return ea < eb }
        return a.videoID > b.videoID
    }

    /// How much sparser one file's sampling must be for it to be the query side: 1.5× its
    /// median spacing. Scans of one case share their sampling (1 s, or `--every`) and stay below
    /// it, as do frame-rate changes at a fixed sampling interval; imported vPDQ hashes of every
    /// frame (1/25–1/30 s) or of one frame a second against a 0.5-s scan are above it.
    /// Measured on ThreatExchange's videos against their published every-frame hashes
    /// (`ImportInteropTests`): from the scan's side the mean distance of each video to its own
    /// hashes is 0–1.9 bits over its whole length; from the hashes' side 10–17.6 bits and spans
    /// cut short.
    static let denserSampling = 1.5

    static func sampledEnd(_ video: VideoFrames) -> Double { video.sampledEnd }

    /// The segments of the pair (`a`, `b`), computed once from both lookups: `a`'s frame
    /// matches with `b` (`aEvidence`, when `a` was a query) and `b`'s with `a` (`bEvidence`),
    /// turned into one orientation (the canonical one when both exist, else the side that was
    /// the query), deduplicated per frame pair (the closer hash, then the plainer transform),
    /// each weighted by the smaller of its two frames' weights (a frame dropped as common on
    /// either side does not vote), aligned and grown once (the walk stops at frames common on
    /// either side). The same two files give the same segments whichever is passed first and
    /// whichever was the query; each span lies within both files (0 … their sampled end).
    public func pairSegments(_ a: VideoFrames, _ b: VideoFrames, aEvidence: QueryEvidence?, bEvidence: QueryEvidence?) -> [MatchSegment] {
        guard aEvidence != nil || bEvidence != nil else { return [] }
        let aFirst = aEvidence != nil && bEvidence != nil ? Self.isCanonicalQuery(a, over: b) : aEvidence != nil
        let (query, reference) = aFirst ? (a, b) : (b, a)
        let (queryEvidence, referenceEvidence) = aFirst ? (aEvidence, bEvidence) : (bEvidence, aEvidence)
        var best: [Int: FrameMatch] = [:]
        func add(_ m: FrameMatch) {
            let key = m.queryFrame << 32 | m.referenceFrame
            if let current = best[key],
               !(m.distance < current.distance || (m.distance == current.distance && m.transform.plainness < current.transform.plainness)) {
                return
            }
            best[key] = m
        }
        for m in queryEvidence?.matches[reference.videoID] ?? [] { add(m) }
        for m in referenceEvidence?.matches[query.videoID] ?? [] {
            add(FrameMatch(queryFrame: m.referenceFrame, queryTime: m.referenceTime, referenceFrame: m.queryFrame,
                           referenceTime: m.queryTime, distance: m.distance, weight: 1, transform: m.transform.inverse))
        }
        var matches: [FrameMatch] = []
        matches.reserveCapacity(best.count)
        // In (query frame, reference frame) order, as a single lookup hands them over.
        for (_, m) in best.sorted(by: { $0.key < $1.key }) {
            let weight = min(queryEvidence?.weight(m.queryFrame) ?? 1, referenceEvidence?.weight(m.referenceFrame) ?? 1)
            guard weight > 0 else { continue }
            var weighted = m
            weighted.weight = weight
            matches.append(weighted)
        }
        let common = queryEvidence?.common ?? [], referenceCommon = referenceEvidence?.common ?? []
        return aligner.segments(from: matches, queryVideoID: query.videoID, referenceVideoID: reference.videoID)
            .map { growth.extended($0, query: query, reference: reference, common: common, referenceCommon: referenceCommon) }
    }
}

extension MatchSegment {
    /// The segment cut along its line to what both files cover: query time 0 … `queryEnd`,
    /// reference time 0 … `referenceEnd`. A line that leaves the reference before the query
    /// span ends shortens the query span with it, so the two spans always describe the same
    /// stretch of the recording.
    public func clipped(queryEnd: Double, referenceEnd: Double) -> MatchSegment {
        var out = self
        var lo = max(0, queryStart), hi = min(queryEnd, self.queryEnd)
        let offset = referenceStart - slope * self.queryStart
        if slope > 0 {
            lo = max(lo, (0 - offset) / slope)
            hi = min(hi, (referenceEnd - offset) / slope)
        }
        if hi < lo { hi = lo }
        out.queryStart = lo
        out.queryEnd = hi
        out.referenceStart = min(max(0, slope * lo + offset), referenceEnd)
        out.referenceEnd = min(max(0, slope * hi + offset), referenceEnd)
        return out
    }

    /// The same segment seen from its reference: query and reference swapped, speed inverted.
    public var swapped: MatchSegment {
        var out = MatchSegment(queryVideoID: referenceVideoID, referenceVideoID: queryVideoID,
                               queryStart: referenceStart, queryEnd: referenceEnd, referenceStart: queryStart, referenceEnd: queryEnd,
                               slope: 1 / slope, matchedFrames: matchedFrames, meanDistance: meanDistance, score: score, transform: transform.inverse)
        out.via = via
        return out
    }
}
