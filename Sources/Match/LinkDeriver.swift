import KeyprintModel
import KeyprintIndex

/// Links two files that did not match each other directly but both matched a third one over
/// the same stretch of it: A ↔ B over B's seconds 4–16 and B ↔ C over B's seconds 3–17 make
/// A ↔ C over what A and C show of B's 4–16.
///
/// Two degraded copies of one recording (a small letterboxed portrait re-upload and a VP9
/// re-encode, a blurred-bar portrait copy and a watermarked one) can each stay within the
/// radius of the original while drifting too far from each other (measured on samples/:
/// region hashes 35–84 bits apart). The examiner still wants them in one cluster, clearly
/// marked as derived: a derived segment carries `via` (the third file), `matchedFrames` 0
/// (none of its frames were compared), `meanDistance` = the sum of the two links' mean
/// distances (an upper bound on the distance between the two files' frames: Hamming distance
/// obeys the triangle inequality) and `score` = the weaker link's score.
///
/// One hop only, from direct segments only, so a derived link never rests on another derived
/// one. For each unlinked pair the intermediary whose weaker link scores highest is used; its
/// every pair of overlapping segments gives one derived segment (a compilation's excerpts).
public struct LinkDeriver: Sendable {
    /// Shortest overlap on the intermediary's timeline, seconds.
    public var minDuration: Double

    public init(minDuration: Double = 3.0) {
        self.minDuration = minDuration
    }

    /// A direct segment seen from one of its files: `from` time t maps to `to` time
    /// slope × t + offset over [start, end] of `from`.
    struct Edge {
        var from: Int64, to: Int64
        var start: Double, end: Double
        var slope: Double, offset: Double
        var score: Double, meanDistance: Double
        /// How `to`'s picture relates to `from`'s (`to` shows `from` transformed by it).
        var transform: MatchTransform

        func map(_ t: Double) -> Double { slope * t + offset }
    }

    /// Derived segments for the file pairs among `direct`'s files that have no direct segment
    /// (query = the file with the smaller id).
    public func derive(from direct: [MatchSegment]) -> [MatchSegment] {
        var edgesFrom: [Int64: [Edge]] = [:]
        var linked = Set<[Int64]>()
        for s in direct where s.via == nil && s.slope > 0 {
            let offset = s.referenceStart - s.slope * s.queryStart
            // From the reference's side: its span, mapped back to the query.
            let refLo = min(s.referenceStart, s.referenceEnd), refHi = max(s.referenceStart, s.referenceEnd)
            edgesFrom[s.referenceVideoID, default: []].append(Edge(
                from: s.referenceVideoID, to: s.queryVideoID, start: refLo, end: refHi,
                slope: 1 / s.slope, offset: -offset / s.slope, score: s.score, meanDistance: s.meanDistance, transform: s.transform))
            // The query shows the reference transformed; the reference, the query with that undone.
            edgesFrom[s.queryVideoID, default: []].append(Edge(
                from: s.queryVideoID, to: s.referenceVideoID, start: s.queryStart, end: s.queryEnd,
                slope: s.slope, offset: offset, score: s.score, meanDistance: s.meanDistance,
                transform: MatchTransform(orientation: s.transform.orientation.inverse, cropped: s.transform.isCropped)))
            linked.insert(s.filePair)
        }
        // Per unlinked pair: the candidates through each intermediary.
        var candidates: [[Int64]: [Int64: [MatchSegment]]] = [:]
        for (b, edges) in edgesFrom {
            for e1 in edges {
                for e2 in edges where e1.to < e2.to {
                    let pair = [e1.to, e2.to]
                    guard !linked.contains(pair) else { continue }
                    let lo = max(e1.start, e2.start), hi = min(e1.end, e2.end)
                    guard hi - lo >= minDuration - 1e-9 else { continue }
                    let aStart = e1.map(lo), aEnd = e1.map(hi), cStart = e2.map(lo), cEnd = e2.map(hi)
                    var s = MatchSegment(
                        queryVideoID: e1.to, referenceVideoID: e2.to,
                        queryStart: min(aStart, aEnd), queryEnd: max(aStart, aEnd),
                        referenceStart: min(cStart, cEnd), referenceEnd: max(cStart, cEnd),
                        slope: e2.slope / e1.slope, matchedFrames: 0,
                        meanDistance: e1.meanDistance + e2.meanDistance, score: min(e1.score, e2.score),
                        // e1.to = X1(b), e2.to = X2(b), so e1.to = X1(X2⁻¹(e2.to)).
                        transform: MatchTransform(orientation: e1.transform.orientation.after(e2.transform.orientation.inverse),
                                                  cropped: e1.transform.isCropped || e2.transform.isCropped))
                    s.via = b
                    candidates[pair, default: [:]][b, default: []].append(s)
                }
            }
        }
        var out: [MatchSegment] = []
        for (_, byIntermediary) in candidates {
            // The intermediary whose best derived segment scores highest; ties: the smaller id.
            let best = byIntermediary.max { x, y in
                let (sx, sy) = (x.value.map(\.score).max() ?? 0, y.value.map(\.score).max() ?? 0)
                return sx != sy ? sx < sy : x.key > y.key
            }
            if let best { out += best.value }
        }
        return out.sorted { ($0.queryVideoID, $0.referenceVideoID, $0.queryStart) < ($1.queryVideoID, $1.referenceVideoID, $1.queryStart) }
    }
}
