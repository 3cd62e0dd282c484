import KeyprintModel

/// The third stage of matching: which of a query's raw frame matches may vote, and with what
/// weight (docs/matching.md §2.3).
///
/// df of a query frame = the number of references it matches (raw matches and near-identical
/// whole frames that failed the region check), not counting a reference that is *strongly
/// linked* to the query over that frame: a first alignment of all matches found a segment with
/// it lasting `strongLinkDuration` or more whose query frames show at least
/// `strongLinkMinStates` different pictures (`distinctPictures`; a still opening screen or test
/// card is one picture). So re-uploads of one recording do not make each other's frames
/// "common", while a still screen or a short intro shared by many videos does. A frame with
/// df ≥ `maxDocumentFrequency` is dropped; the others carry weight 1 / max(1, df).
struct FrequencyWeighting: Sendable {
    let settings: MatchSettings
    let aligner: SegmentAligner

    init(settings: MatchSettings) {
        self.settings = settings
        self.aligner = SegmentAligner(settings: settings)
    }

    /// `found`'s matches weighted by document frequency; `references` are the matcher's (for
    /// the video ids of the first alignment's segments).
    func weigh(_ found: LookupResult, query: VideoFrames, references: [VideoFrames]) -> WeightedMatches {
        let raw = found.matches
        let links = StrongLinks(spans: strongSpans(raw, query: query, references: references))
        // df per query frame.
        var matchedBy: [Int: Set<Int>] = [:]
        for (v, matches) in raw {
            for m in matches where !links.covers(v, at: m.queryTime) { matchedBy[m.queryFrame, default: []].insert(v) }
        }
        for (qf, references) in found.failedChecks {
            for v in references where !links.covers(v, at: query.frames[qf].timestamp) { matchedBy[qf, default: []].insert(v) }
        }
        var out: [Int: [FrameMatch]] = [:]
        for (v, matches) in raw {
            for var m in matches {
                let df = matchedBy[m.queryFrame]?.count ?? 0
                guard df < settings.maxDocumentFrequency else { continue }
                m.weight = 1 / Double(max(1, df))
                out[v, default: []].append(m)
            }
        }
        let common = Set(matchedBy.filter { $0.value.count >= settings.maxDocumentFrequency }.keys)
        return WeightedMatches(matches: out, common: common, touched: found.touched, raw: raw,
                               documentFrequency: matchedBy.mapValues(\.count))
    }

    /// Per reference, the query spans of the first (unweighted) alignment's strong links.
    private func strongSpans(_ raw: [Int: [FrameMatch]], query: VideoFrames, references: [VideoFrames]) -> [Int: [QuerySpan]] {
        var spans: [Int: [QuerySpan]] = [:]
        for (v, matches) in raw {
            for s in aligner.segments(from: matches, queryVideoID: query.videoID, referenceVideoID: references[v].videoID)
            where s.queryDuration >= settings.strongLinkDuration - 1e-9
                && distinctPictures(in: query, from: s.queryStart, to: s.queryEnd) >= settings.strongLinkMinStates {
                spans[v, default: []].append(QuerySpan(start: s.queryStart, end: s.queryEnd))
            }
        }
        return spans
    }

    /// Pictures among the query's usable frames in [start, end]: a frame counts as new when its
    /// content hash (its region hash when its content is its regions,
    /// `MatchSettings.contentIsRegion(of:)`) is more than the threshold away from the last
    /// counted one.
    func distinctPictures(in query: VideoFrames, from start: Double, to end: Double) -> Int {
        let useRegions = settings.contentIsRegion(of: query)
        var last: PDQHash?
        var count = 0
        for (i, f) in query.frames.enumerated() where f.timestamp >= start - 1e-9 && f.timestamp <= end + 1e-9 {
            let content = useRegions ? query.regionFrames[i] : f
            guard content.quality >= settings.minQuality else { continue }
            if let l = last, l.distance(to: content.hash) <= settings.thresholdBits { continue }
            last = content.hash
            count += 1
        }
        return count
    }

    /// A stretch of query time, seconds.
    struct QuerySpan {
        var start: Double
        var end: Double
    }

    /// The query spans over which each reference (by position) is strongly linked.
    private struct StrongLinks {
        var spans: [Int: [QuerySpan]]

        /// Whether reference `v` is strongly linked over query time `time`.
        func covers(_ v: Int, at time: Double) -> Bool {
            spans[v]?.contains { time >= $0.start - 1e-9 && time <= $0.end + 1e-9 } ?? false
        }
    }
}

/// A query's frame matches after document-frequency weighting (`FrequencyWeighting.weigh`), by
/// reference position.
struct WeightedMatches: Sendable {
    /// The matches that may vote, each with weight 1 / max(1, df); a frame with
    /// df ≥ `maxDocumentFrequency` has none.
    var matches: [Int: [FrameMatch]]
    /// The query frames dropped as common (df ≥ `maxDocumentFrequency`).
    var common: Set<Int>
    /// Every reference with a raw match, a failed region check or a verified seed
    /// (`LookupResult.touched`).
    var touched: Set<Int>
    /// The raw matches (weight 1).
    var raw: [Int: [FrameMatch]]
    /// The document frequency of every query frame that has one (frames absent have df 0).
    var documentFrequency: [Int: Int]
}
