/// Matches query videos against a fixed set of reference videos: index lookup of every usable
/// query frame (its hash and its mirrored hash; for a video with region hashes, those instead),
/// document-frequency weighting, then alignment per (query, reference) pair.
///
/// Built once over the references (an in-memory `HammingIndex`), then `match(query:)` may be
/// called for many queries, concurrently. It knows nothing of the store: the caller turns its
/// rows into `VideoFrames` and the segments back into rows.
public struct Matcher: Sendable {
    public let settings: MatchSettings
    public let references: [VideoFrames]
    private let index: HammingIndex
    /// Per index entry: which reference, which frame, and whether it is a region hash.
    private let entryVideo: [UInt32]
    private let entryFrame: [UInt32]
    private let entryIsRegion: [Bool]

    public init(references: [VideoFrames], settings: MatchSettings = MatchSettings()) {
        var hashes: [PDQHash] = [], video: [UInt32] = [], frame: [UInt32] = [], region: [Bool] = []
        for (v, ref) in references.enumerated() {
            if !ref.hasRegions || settings.matchWholeFramesOfRegionVideos || settings.regionCheckedWholeFrames {
                for (f, fh) in ref.frames.enumerated() where fh.quality >= settings.minQuality {
                    hashes.append(fh.hash); video.append(UInt32(v)); frame.append(UInt32(f)); region.append(false)
                }
            }
            if ref.hasRegions {
                for (f, fh) in ref.regionFrames.enumerated() where fh.quality >= settings.minQuality && ref.ownsRegion(f) {
                    // A frame of a shot without a region carries its whole-frame hash here; a
                    // borrowed region hash (dense sampling) is its lender's entry again: not indexed.
                    hashes.append(fh.hash); video.append(UInt32(v)); frame.append(UInt32(f)); region.append(fh.hash != ref.frames[f].hash)
                }
            }
        }
        self.settings = settings
        self.references = references
        self.index = HammingIndex(hashes: hashes)
        self.entryVideo = video
        self.entryFrame = frame
        self.entryIsRegion = region
    }

    /// Number of reference frame hashes in the index (whole-frame and region).
    public var indexedHashCount: Int { index.count }

    /// Every frame match of `query` against every reference with a different `videoID`, by
    /// reference position in `references`, all with weight 1. Query frames below `minQuality`
    /// are not looked up; per reference frame the closest hash variant wins.
    public func rawFrameMatches(query: VideoFrames) -> [Int: [FrameMatch]] {
        let radius = settings.thresholdBits
        let hasRegions = query.hasRegions
        let useWhole = !hasRegions || settings.matchWholeFramesOfRegionVideos || settings.regionCheckedWholeFrames
        let checkWhole = !settings.matchWholeFramesOfRegionVideos && hasRegions
        var byReference: [Int: [FrameMatch]] = [:]
        // Best (distance, transform) per reference frame for the current query frame.
        var best: [Int: (distance: Int, transform: MatchTransform)] = [:]
        for (qf, frame) in query.frames.enumerated() {
            best.removeAll(keepingCapacity: true)
            var probes: [(PDQHash, Bool, Bool)] = []
            if useWhole, frame.quality >= settings.minQuality {
                probes += [(frame.hash, false, false), (frame.mirrorHash, true, false)]
            }
            // A borrowed region hash is looked up with its lender only; it still serves the check below.
            if hasRegions, query.ownsRegion(qf), query.regionFrames[qf].quality >= settings.minQuality {
                let isCrop = query.regionFrames[qf].hash != frame.hash
                probes.append((query.regionFrames[qf].hash, false, isCrop))
                probes.append((query.regionFrames[qf].mirrorHash, true, isCrop))
            }
            for (hash, mirrored, cropped) in probes {
                index.forEachNeighbor(of: hash, radius: radius) { n in
                    let v = Int(entryVideo[Int(n.id)])
                    guard references[v].videoID != query.videoID else { return }
                    let rf = Int(entryFrame[Int(n.id)])
                    // Whole frame ↔ whole frame of two region videos: only where their content
                    // regions agree too (shared chrome around different panes does not).
                    let ref = references[v]
                    if checkWhole, !cropped, !entryIsRegion[Int(n.id)], ref.hasRegions,
                       query.regionFrames[qf].hash != frame.hash, ref.regionFrames[rf].hash != ref.frames[rf].hash {
                        let q = query.regionFrames[qf], r = ref.regionFrames[rf]
                        let d = min(q.hash.distance(to: r.hash), q.mirrorHash.distance(to: r.hash))
                        guard q.quality >= settings.minQuality, r.quality >= settings.minQuality,
                              d <= max(settings.thresholdBits, settings.extendThresholdBits) else { return }
                    }
                    let key = v << 32 | rf
                    // A crop when exactly one side is a region hash: both sides' content
                    // regions matching is the same picture, not a crop.
                    let transform = MatchTransform(mirrored: mirrored, cropped: cropped != entryIsRegion[Int(n.id)])
                    if let current = best[key], !Self.better((n.distance, transform), than: current) { return }
                    best[key] = (n.distance, transform)
                }
            }
            for (key, value) in best {
                let v = key >> 32, rf = key & 0xFFFF_FFFF
                byReference[v, default: []].append(FrameMatch(
                    queryFrame: qf, queryTime: frame.timestamp,
                    referenceFrame: rf, referenceTime: references[v].frames[rf].timestamp,
                    distance: value.distance, weight: 1, transform: value.transform))
            }
        }
        return byReference
    }

    /// The frame matches that may vote, weighted by document frequency.
    ///
    /// df of a query frame = the number of references it matches, not counting a reference
    /// that is *strongly linked* to the query over that frame: a first alignment of all matches
    /// found a segment with it lasting `strongLinkDuration` or more whose query frames show at
    /// least `strongLinkMinStates` different pictures (hashes more than the threshold apart;
    /// a still opening screen or test card is one picture). So re-uploads of one recording do
    /// not make each other's frames "common", while a still screen or a short intro shared by
    /// many videos does. A frame with df ≥ `maxDocumentFrequency` is dropped; the others carry
    /// weight 1 / max(1, df).
    public func frameMatches(query: VideoFrames) -> [Int: [FrameMatch]] {
        weightedFrameMatches(query: query).matches
    }

    /// `frameMatches`, and the query frames dropped as common (df ≥ `maxDocumentFrequency`).
    func weightedFrameMatches(query: VideoFrames) -> (matches: [Int: [FrameMatch]], common: Set<Int>) {
        let raw = rawFrameMatches(query: query)
        let aligner = SegmentAligner(settings: settings)
        // Query spans over which each reference is strongly linked.
        var strongSpans: [Int: [(Double, Double)]] = [:]
        for (v, matches) in raw {
            for s in aligner.segments(from: matches, queryVideoID: query.videoID, referenceVideoID: references[v].videoID)
            where s.queryDuration >= settings.strongLinkDuration - 1e-9
                && distinctPictures(in: query, from: s.queryStart, to: s.queryEnd) >= settings.strongLinkMinStates {
                strongSpans[v, default: []].append((s.queryStart, s.queryEnd))
            }
        }
        // df per query frame.
        var matchedBy: [Int: Set<Int>] = [:]
        for (v, matches) in raw {
            for m in matches {
                let explained = strongSpans[v]?.contains { m.queryTime >= $0.0 - 1e-9 && m.queryTime <= $0.1 + 1e-9 } ?? false
                if !explained { matchedBy[m.queryFrame, default: []].insert(v) }
            }
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
        return (out, common)
    }

    /// The hashes that describe a video's frame `i` for matching (region and/or whole frame, as
    /// in the lookup), each with its mirrored hash; empty below `minQuality`.
    private func contentHashes(_ video: VideoFrames, _ i: Int) -> [(hash: PDQHash, mirror: PDQHash)] {
        var out: [(PDQHash, PDQHash)] = []
        if !video.hasRegions || settings.matchWholeFramesOfRegionVideos, video.frames[i].quality >= settings.minQuality {
            out.append((video.frames[i].hash, video.frames[i].mirrorHash))
        }
        if video.hasRegions, video.regionFrames[i].quality >= settings.minQuality {
            out.append((video.regionFrames[i].hash, video.regionFrames[i].mirrorHash))
        }
        return out
    }

    /// Grows a segment along its line (hysteresis): a query frame next to it whose reference
    /// frame on the line (nearest, within `offsetTolerance`) is within `extendThresholdBits`
    /// extends it; frames that miss are bridged up to `maxGap`; a frame below `minQuality` or
    /// one dropped as common (a shared opening screen) stops it. The strict radius found the
    /// segment; along an established line a looser one only decides where it ends, so spans of
    /// degraded copies (small letterboxed pictures, watermarks, 1-s samples of a sped-up copy)
    /// reach their true extent. `matchedFrames`, `meanDistance` and `score` stay those of the
    /// strict matches.
    func extended(_ segment: MatchSegment, query: VideoFrames, reference: VideoFrames, common: Set<Int>) -> MatchSegment {
        guard settings.extendThresholdBits > settings.thresholdBits, !reference.frames.isEmpty else { return segment }
        let offset = segment.referenceStart - segment.slope * segment.queryStart
        let refTimes = reference.frames.map(\.timestamp)
        func nearestReference(_ t: Double) -> Int? {
            var lo = 0, hi = refTimes.count
            while lo < hi { let mid = (lo + hi) / 2; if refTimes[mid] < t { lo = mid + 1 } else { hi = mid } }
            let candidates = [lo - 1, lo].filter { $0 >= 0 && $0 < refTimes.count }
            guard let best = candidates.min(by: { abs(refTimes[$0] - t) < abs(refTimes[$1] - t) }),
                  abs(refTimes[best] - t) <= settings.offsetTolerance else { return nil }
            return best
        }
        func hit(_ qi: Int) -> Bool? {
            if common.contains(qi) { return nil }
            let q = contentHashes(query, qi)
            if q.isEmpty { return nil }
            guard let ri = nearestReference(segment.slope * query.frames[qi].timestamp + offset) else { return false }
            let r = contentHashes(reference, ri)
            let best = q.flatMap { qh in r.map { min(qh.hash.distance(to: $0.hash), qh.mirror.distance(to: $0.hash)) } }.min()
            return (best ?? .max) <= settings.extendThresholdBits
        }
        var start = segment.queryStart, end = segment.queryEnd
        let times = query.frames.map(\.timestamp)
        var lastHit = end
        for qi in times.indices where times[qi] > segment.queryEnd + 1e-9 {
            guard times[qi] - lastHit <= settings.maxGap + 1e-9, let h = hit(qi) else { break }
            if h { end = times[qi]; lastHit = times[qi] }
        }
        lastHit = start
        for qi in times.indices.reversed() where times[qi] < segment.queryStart - 1e-9 {
            guard lastHit - times[qi] <= settings.maxGap + 1e-9, let h = hit(qi) else { break }
            if h { start = times[qi]; lastHit = times[qi] }
        }
        var out = segment
        out.queryStart = start
        out.queryEnd = end
        out.referenceStart = max(0, segment.slope * start + offset)
        out.referenceEnd = max(0, segment.slope * end + offset)
        return out
    }

    /// Pictures among the query's usable frames in [start, end]: a frame counts as new when its
    /// content hash is more than the threshold away from the last counted one.
    func distinctPictures(in query: VideoFrames, from start: Double, to end: Double) -> Int {
        let useRegions = query.hasRegions && !settings.matchWholeFramesOfRegionVideos
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

    /// Segments of `query` matching any reference other than itself, best score first.
    public func match(query: VideoFrames) -> [MatchSegment] {
        let aligner = SegmentAligner(settings: settings)
        var out: [MatchSegment] = []
        let (weighted, common) = weightedFrameMatches(query: query)
        for (v, matches) in weighted.sorted(by: { $0.key < $1.key }) {
            out += aligner.segments(from: matches, queryVideoID: query.videoID, referenceVideoID: references[v].videoID)
                .map { extended($0, query: query, reference: references[v], common: common) }
        }
        return out.sorted { ($0.score, $1.queryStart) > ($1.score, $0.queryStart) }
    }

    /// Closer first; at equal distance the plainer transform (none, crop, mirror, both).
    private static func better(_ a: (distance: Int, transform: MatchTransform), than b: (distance: Int, transform: MatchTransform)) -> Bool {
        if a.distance != b.distance { return a.distance < b.distance }
        return rank(a.transform) < rank(b.transform)
    }

    private static func rank(_ t: MatchTransform) -> Int {
        switch t {
        case .none: 0
        case .crop: 1
        case .mirror: 2
        case .mirrorCrop: 3
        }
    }
}
