/// Region hashes of a video in one pass over its sampled frames, in bounded memory.
///
/// The content region (`ContentRegionDetector`: letterbox bars, then the moving pane) needs
/// several frames before it can be found, and every sampled frame needs the hash of its crop.
/// So the first frames are buffered as 8-bit luma (at most `maxBufferedFrames` of them and at
/// most `maxBufferedBytes` of pixels) with a 160-px thumbnail each; when the buffer is full, or
/// at the end of a short video, the detector runs once on the thumbnails and its rectangle is
/// fixed for the rest of the file. The buffered frames are then hashed and released, and every
/// later frame is hashed as it arrives. Region hashes therefore sit at exactly the timestamps of
/// the whole-frame hashes. With no region (nil: the whole frame is the content) there are none.
///
/// Every crop, buffered or not, is hashed from 8-bit luma (rounded), at native resolution,
/// with the exact mirror, so a frame's region hash does not depend on whether it was buffered.
/// Memory at 1080p: 30 × 2 MB of buffered luma is over the byte cap, so 23 frames (≤ 48 MB)
/// plus 23 × 58 KB of thumbnails; afterwards one crop at a time.
public struct RegionHashing {
    public var detector = ContentRegionDetector()
    /// Frames buffered before the region is decided.
    public var maxBufferedFrames = 30
    /// Cap on the buffered luma bytes (width × height per frame).
    public var maxBufferedBytes = 48 << 20
    /// Width of the thumbnails the detector sees.
    public var thumbnailWidth = 160

    /// Name and version of the detection recorded with a file's region.
    public static let detectorName = "ContentRegionDetector"
    public static let detectorVersion = 1

    private struct Buffered {
        var index: Int
        var timestamp: Double
        var width: Int
        var height: Int
        var luma: [UInt8]
    }

    private var buffer: [Buffered] = []
    private var bufferedBytes = 0
    private var thumbnails: [LumaFrame] = []
    private var decided = false
    private let hasher = PDQHasher(exactMirror: true)

    /// The detected region once decided (after the buffer filled or `finish`); nil before, or
    /// when the video has no region.
    public private(set) var region: NormalizedRect?

    public init() {}

    /// Takes the next sampled frame (in time order); calls `emit` with the region hashes that
    /// are ready, in time order.
    public mutating func add(_ frame: LumaFrame, emit: (FrameHash) throws -> Void) rethrows {
        if decided {
            if let region {
                let r = region.pixels(frameWidth: frame.width, frameHeight: frame.height)
                let crop = frame.pixels.withUnsafeBufferPointer { all in
                    Self.crop(r, stride: frame.width) { all[$0].rounded().clamped255 }
                }
                try emit(hash(crop, r, index: frame.index, timestamp: frame.timestamp))
            }
            return
        }
        thumbnails.append(frame.thumbnail(width: thumbnailWidth))
        buffer.append(Buffered(index: frame.index, timestamp: frame.timestamp, width: frame.width, height: frame.height,
                               luma: Self.quantized(frame.pixels)))
        bufferedBytes += frame.width * frame.height
        let next = frame.width * frame.height
        if buffer.count >= maxBufferedFrames || bufferedBytes + next > maxBufferedBytes {
            try decide(emit: emit)
        }
    }

    /// Ends the video: decides the region if it is not yet decided and emits the buffered
    /// frames' region hashes.
    public mutating func finish(emit: (FrameHash) throws -> Void) rethrows {
        if !decided { try decide(emit: emit) }
    }

    private mutating func decide(emit: (FrameHash) throws -> Void) rethrows {
        decided = true
        region = detector.detect(thumbnails)
        thumbnails = []
        let held = buffer
        buffer = []
        bufferedBytes = 0
        guard let region else { return }
        for b in held {
            let r = region.pixels(frameWidth: b.width, frameHeight: b.height)
            let crop = b.luma.withUnsafeBufferPointer { all in Self.crop(r, stride: b.width) { Float(all[$0]) } }
            try emit(hash(crop, r, index: b.index, timestamp: b.timestamp))
        }
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

    private func hash(_ crop: [Float], _ r: (x: Int, y: Int, width: Int, height: Int), index: Int, timestamp: Double) -> FrameHash {
        let result = hasher.hash(luma: crop, width: r.width, height: r.height)
        return FrameHash(index: index, timestamp: timestamp, quality: result.quality, hash: result.hash,
                         mirrorHash: result.exactMirrorHash ?? result.hash(.flipX))
    }

    /// 0…255 floats rounded to bytes.
    static func quantized(_ pixels: [Float]) -> [UInt8] {
        pixels.map { UInt8($0.rounded().clamped255) }
    }
}

extension Float {
    /// The value limited to 0…255.
    fileprivate var clamped255: Float { Swift.max(0, Swift.min(255, self)) }
}
