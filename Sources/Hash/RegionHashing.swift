import KeyprintModel

/// Region hashes of a video, one shot at a time, in one pass over its sampled frames and in
/// bounded memory. The one code path for the scan (`VideoHasher.hashWithRegions`) and the
/// samples experiment.
///
/// A compilation changes layout between excerpts, so the content region (`ContentRegionDetector`:
/// letterbox bars, then the moving pane) is decided per shot. Cuts are found online between
/// consecutive sampled thumbnails (`ShotBoundaryDetector.isCut`, a rule on two frames). The
/// current shot's frames are buffered as 8-bit luma at native resolution with a 160-px thumbnail
/// each (at most `maxBufferedFrames` frames and `maxBufferedBytes` of pixels). When the shot
/// ends (a cut, or the end of the video) or its buffer is full, its region is decided from the
/// buffered thumbnails, the buffered frames' crops are hashed and released, and the rest of the
/// shot is hashed with the decided box as it arrives. A shot of fewer than
/// `detector.minShotFrames` samples has no region (a video without any cut is one shot and is
/// always detected); a frame of a shot without a region gets its whole-frame hash as region
/// hash, and a video where no shot has a region gets no region hashes at all. A shot's region is
/// found on thumbnails, then its edges are moved to full-resolution lines by the buffered frames
/// (`RegionEdgeRefiner`). Whenever every shot fits in the buffer this is exactly
/// `ContentRegionDetector.detectShots` on all thumbnails, each shot's region refined by its
/// frames, followed by cropping each frame to `ShotRegion.region(at:in:)`.
///
/// Dense sampling (`isDense`) would leave the buffer spanning about a second, too little motion
/// to find a pane: the caller then adds only a 1-s subset of its samples (`denseRegionInterval`;
/// `VideoHasher.hashWithRegions`), so the shots and regions are those of a 1-s scan. Under
/// interval sampling the other samples come through `addBetween` and get their shot's region
/// hash without taking part in detection (a trimmed copy's dense samples then meet region hashes
/// of the same instants: on three seeded sample sets at 0.5 s, 16 of 23 trims linked against 0
/// when the in-between samples borrowed the region hash of the nearest 1-s sample).
///
/// Buffered luma is kept as 16-bit fixed point (1/256 of a level: the decoder's luma is a
/// weighted sum of 8-bit R, G, B, so it has fractions; rounding it to 8 bits moved region hashes
/// enough to lose a pair on samples/), and every crop, buffered or not, is hashed from that
/// fixed-point luma, at native resolution, with the exact mirror, so a frame's region hash does
/// not depend on whether it was buffered. Memory at 1080p: 23 buffered frames (≤ 96 MB) plus
/// their thumbnails (58 KB each); the region hashes kept until `finish` (about 100 bytes a frame).
public struct RegionHashing {
    public var detector = ContentRegionDetector()
    /// False: one shot for the whole video (no cuts), the region decided on its first buffer.
    public var perShot = true
    /// Frames of a shot buffered before its region is decided.
    public var maxBufferedFrames = 30
    /// Cap on the buffered luma bytes (2 × width × height per frame).
    public var maxBufferedBytes = 96 << 20
    /// Width of the thumbnails the detector sees.
    public var thumbnailWidth = 160

    /// Name and version of the detection recorded with a file's regions.
    public static let detectorName = "ContentRegionDetector"
    public static let detectorVersion = 4

    private struct Pending {
        var whole: FrameHash
        var width: Int
        var height: Int
        var luma: [UInt16]
        /// A detection frame (`add`), not one between (`addBetween`): only these refine edges.
        var detects = true
    }

    private var shots: [ShotRegion] = []
    private var regionFrames: [FrameHash] = []
    private var previousThumbnail: LumaFrame?
    private var sawCut = false
    // The current shot.
    private var shotStart: Double?
    private var thumbnails: [LumaFrame] = []
    private var pending: [Pending] = []
    private var pendingBytes = 0
    private var decided = false
    private var region: NormalizedRect?
    private var picture: NormalizedRect?
    /// Hashes of the picture inside letterbox bars (`ContentRegionDetector.detectRegionAndPicture`),
    /// for the frames of shots that have bars around a smaller region, in time order; each
    /// with the index and timestamp of its frame. Complete after `finish`.
    public private(set) var pictureFrames: [FrameHash] = []
    private let hasher = PDQHasher(exactMirror: true)

    public init() {}

    /// Under dense sampling, the interval of the samples that get region detection and hashes:
    /// the first sample at or after each whole second, the frames a 1-s scan samples.
    public static let denseRegionInterval = 1.0

    /// Whether `sampling` is denser than one frame a second (every frame, or intervals under
    /// 1 s): only a 1-s subset of its samples then goes to region hashing. Key frames are sparse.
    public static func isDense(_ sampling: SamplingMode) -> Bool { sampling.isDense }

    /// Whether every sample of `sampling` gets a region hash (`addBetween` for the samples
    /// outside the 1-s subset): interval sampling does, so that a whole-frame match between
    /// two dense samples is checked against the same two frames' regions; every-frame sampling
    /// keeps region hashes on the 1-s subset (the others borrow them), as a crop and PDQ of
    /// each decoded frame would double its cost.
    public static func hashesEverySample(_ sampling: SamplingMode) -> Bool {
        if case .interval = sampling { return true } else { return false }
    }

    /// Takes the next sampled frame (in time order) with its whole-frame hash.
    public mutating func add(_ frame: LumaFrame, whole: FrameHash) {
        let thumbnail = frame.thumbnail(width: thumbnailWidth)
        if perShot, let previousThumbnail, detector.shots.isCut(previousThumbnail, thumbnail) {
            sawCut = true
            endShot()
        }
        previousThumbnail = thumbnail
        if shotStart == nil { shotStart = frame.timestamp }
        if decided {
            regionFrames.append(regionHash(frame, whole: whole, region))
            if let picture { pictureFrames.append(regionHash(frame, whole: whole, picture)) }
            return
        }
        thumbnails.append(thumbnail)
        pending.append(Pending(whole: whole, width: frame.width, height: frame.height, luma: Self.quantized(frame.pixels)))
        pendingBytes += 2 * frame.width * frame.height
        let next = 2 * frame.width * frame.height
        if thumbnails.count >= maxBufferedFrames || pendingBytes + next > maxBufferedBytes {
            decide(detector.detectRegionAndPicture(thumbnails))
        }
    }

    /// Takes a sampled frame between two detection frames (dense interval sampling,
    /// `VideoHasher.hashWithRegions`): it gets the region hash of its shot's region, like any
    /// frame, but plays no part in finding cuts or regions, which stay those of the 1-s subset
    /// passed to `add`. Before the shot's region is decided it waits in the buffer (its bytes
    /// count; it does not count as a detection frame).
    public mutating func addBetween(_ frame: LumaFrame, whole: FrameHash) {
        guard shotStart != nil else { return add(frame, whole: whole) }
        if decided {
            regionFrames.append(regionHash(frame, whole: whole, region))
            if let picture { pictureFrames.append(regionHash(frame, whole: whole, picture)) }
            return
        }
        pending.append(Pending(whole: whole, width: frame.width, height: frame.height, luma: Self.quantized(frame.pixels), detects: false))
        pendingBytes += 2 * frame.width * frame.height
        if pendingBytes + 2 * frame.width * frame.height > maxBufferedBytes {
            decide(detector.detectRegionAndPicture(thumbnails))
        }
    }

    /// Ends the video: the shots and the region hashes (one per added frame, in order), both
    /// empty when no shot has a region.
    public mutating func finish() -> (shots: [ShotRegion], regionFrames: [FrameHash]) {
        endShot()
        guard shots.contains(where: { $0.region != nil }) else { return ([], []) }
        return (shots, regionFrames)
    }

    /// Closes the current shot, deciding its region if the buffer had not filled.
    private mutating func endShot() {
        guard shotStart != nil else { return }
        if !decided {
            // A video without cuts is one shot and is always detected (as `detectShots`).
            let enough = !sawCut || thumbnails.count >= detector.minShotFrames
            decide(enough ? detector.detectRegionAndPicture(thumbnails) : (nil, nil))
        }
        shotStart = nil; decided = false; region = nil; picture = nil
    }

    private mutating func decide(_ found: (region: NormalizedRect?, picture: NormalizedRect?)) {
        let region = found.region.map { refined($0, pending.filter(\.detects)) }
        decided = true
        self.region = region
        self.picture = region == nil ? nil : found.picture
        shots.append(ShotRegion(startTime: shotStart ?? 0, region: region))
        thumbnails = []
        let held = pending
        pending = []
        pendingBytes = 0
        for p in held {
            guard let region else { regionFrames.append(p.whole); continue }
            regionFrames.append(bufferedHash(p, region))
            if let picture { pictureFrames.append(bufferedHash(p, picture)) }
        }
    }

    /// `region` with its edges moved to full-resolution lines (`RegionEdgeRefiner`) by the
    /// buffered frames of the first one's size.
    private func refined(_ region: NormalizedRect, _ frames: [Pending]) -> NormalizedRect {
        guard let first = frames.first else { return region }
        let same = frames.filter { $0.width == first.width && $0.height == first.height }
        return RegionEdgeRefiner(frameWidth: first.width, thumbnailWidth: thumbnailWidth, detector: detector.active)
            .refine(region, width: first.width, height: first.height, frameCount: same.count) { k, o in Float(same[k].luma[o]) / Self.fixedPoint }
    }

    /// The hash of a buffered frame's crop to `rect`.
    private func bufferedHash(_ p: Pending, _ rect: NormalizedRect) -> FrameHash {
        let r = rect.pixels(frameWidth: p.width, frameHeight: p.height)
        let crop = p.luma.withUnsafeBufferPointer { all in Self.crop(r, stride: p.width) { Float(all[$0]) / Self.fixedPoint } }
        return hash(crop, r, like: p.whole)
    }

    private func regionHash(_ frame: LumaFrame, whole: FrameHash, _ region: NormalizedRect?) -> FrameHash {
        guard let region else { return whole }
        let r = region.pixels(frameWidth: frame.width, frameHeight: frame.height)
        let crop = frame.pixels.withUnsafeBufferPointer { all in
            Self.crop(r, stride: frame.width) { Self.fixed(all[$0]) / Self.fixedPoint }
        }
        return hash(crop, r, like: whole)
    }

    /// The pixels of rectangle `r` of a plane with `stride` pixels per row, read through `value`.
    private static func crop(_ r: (x: Int, y: Int, width: Int, height: Int), stride: Int, _ value: (Int) -> Float) -> [Float] {
        var out = [Float](repeating: 0, count: r.width * r.height)
        for y in 0..<r.height {
            let src = (r.y + y) * stride + r.x, dst = y * r.width
            for x in 0..<r.width { out[dst + x] = value(src + x) }
        }
        return out
    }

    private func hash(_ crop: [Float], _ r: (x: Int, y: Int, width: Int, height: Int), like whole: FrameHash) -> FrameHash {
        let result = hasher.hash(luma: crop, width: r.width, height: r.height)
        return FrameHash(index: whole.index, timestamp: whole.timestamp, quality: result.quality, hash: result.hash,
                         mirrorHash: result.exactMirrorHash ?? result.hash(.flipX), dihedral: result.dihedralHashes)
    }

    /// Steps per luma level of the buffered fixed-point luma.
    static let fixedPoint: Float = 256

    /// A 0…255 luma value in fixed point (rounded to 1/256 of a level).
    @inline(__always)
    static func fixed(_ v: Float) -> Float { (v.clamped255 * fixedPoint).rounded() }

    /// 0…255 floats as fixed-point 16-bit values.
    static func quantized(_ pixels: [Float]) -> [UInt16] {
        pixels.map { UInt16(fixed($0)) }
    }
}

extension Float {
    /// The value limited to 0…255.
    fileprivate var clamped255: Float { Swift.max(0, Swift.min(255, self)) }
}
