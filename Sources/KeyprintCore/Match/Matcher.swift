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
            if !ref.hasRegions || settings.matchWholeFramesOfRegionVideos {
                for (f, fh) in ref.frames.enumerated() where fh.quality >= settings.minQuality {
                    hashes.append(fh.hash); video.append(UInt32(v)); frame.append(UInt32(f)); region.append(false)
                }
            }
            if ref.hasRegions {
                for (f, fh) in ref.regionFrames.enumerated() where fh.quality >= settings.minQuality {
                    // A frame of a shot without a region carries its whole-frame hash here.
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
        let useWhole = !hasRegions || settings.matchWholeFramesOfRegionVideos
        var byReference: [Int: [FrameMatch]] = [:]
        // Best (distance, transform) per reference frame for the current query frame.
        var best: [Int: (distance: Int, transform: MatchTransform)] = [:]
        for (qf, frame) in query.frames.enumerated() {
            best.removeAll(keepingCapacity: true)
            var probes: [(PDQHash, Bool, Bool)] = []
            if useWhole, frame.quality >= settings.minQuality {
                probes += [(frame.hash, false, false), (frame.mirrorHash, true, false)]
            }
            if hasRegions, query.regionFrames[qf].quality >= settings.minQuality {
                let isCrop = query.regionFrames[qf].hash != frame.hash
                probes.append((query.regionFrames[qf].hash, false, isCrop))
                probes.append((query.regionFrames[qf].mirrorHash, true, isCrop))
            }
            for (hash, mirrored, cropped) in probes {
                index.forEachNeighbor(of: hash, radius: radius) { n in
                    let v = Int(entryVideo[Int(n.id)])
                    guard references[v].videoID != query.videoID else { return }
                    let key = v << 32 | Int(entryFrame[Int(n.id)])
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
        for (v, matches) in frameMatches(query: query).sorted(by: { $0.key < $1.key }) {
            out += aligner.segments(from: matches, queryVideoID: query.videoID, referenceVideoID: references[v].videoID)
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
