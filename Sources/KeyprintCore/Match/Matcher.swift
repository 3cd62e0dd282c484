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
                    hashes.append(fh.hash); video.append(UInt32(v)); frame.append(UInt32(f)); region.append(true)
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

    /// The frame matches of `query` against every reference with a different `videoID`,
    /// grouped by reference position in `references`. Query frames below `minQuality` are not
    /// looked up; a query frame that matches `maxDocumentFrequency` or more different
    /// references is dropped, otherwise its matches carry weight 1 / (references it matched).
    public func frameMatches(query: VideoFrames) -> [Int: [FrameMatch]] {
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
                probes.append((query.regionFrames[qf].hash, false, true))
                probes.append((query.regionFrames[qf].mirrorHash, true, true))
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
            let videos = Set(best.keys.map { $0 >> 32 })
            guard !videos.isEmpty, videos.count < settings.maxDocumentFrequency else { continue }
            let weight = 1.0 / Double(videos.count)
            for (key, value) in best {
                let v = key >> 32, rf = key & 0xFFFF_FFFF
                byReference[v, default: []].append(FrameMatch(
                    queryFrame: qf, queryTime: frame.timestamp,
                    referenceFrame: rf, referenceTime: references[v].frames[rf].timestamp,
                    distance: value.distance, weight: weight, transform: value.transform))
            }
        }
        return byReference
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
