/// Decodes a file and fingerprints every sampled frame: the decode → hash half of the pipeline.
public enum VideoHasher {
    /// Hashes `path`, calling `body` for each sampled frame in order. Returns the media facts
    /// and the number of frames decoded.
    @discardableResult
    public static func hash(path: String, options: DecodeOptions, _ body: (FrameHash) throws -> Void) throws -> (info: MediaInfo, decodedFrames: Int) {
        let reader = try VideoReader(path: path, options: options)
        let hasher = PDQHasher(exactMirror: true)
        let decoded = try reader.forEachSample { frame in
            let result = hasher.hash(frame)
            try body(FrameHash(index: frame.index, timestamp: frame.timestamp, quality: result.quality,
                               hash: result.hash, mirrorHash: result.exactMirrorHash ?? result.hash(.flipX)))
        }
        return (reader.info, decoded)
    }

    /// Hashes `path` with whole-frame hashes and, when `regions` is true, region hashes
    /// (`RegionHashing`: the content region fixed after the first buffered frames, its crop
    /// hashed for every sampled frame). `body` sees each whole-frame hash as it is made (for
    /// progress and cancellation); the result holds all of them.
    public static func hashWithRegions(path: String, options: DecodeOptions, regions: Bool,
                                       _ body: (FrameHash) throws -> Void = { _ in }) throws -> VideoHashes {
        let reader = try VideoReader(path: path, options: options)
        let hasher = PDQHasher(exactMirror: true)
        var regionHashing = RegionHashing()
        var frames: [FrameHash] = []
        var regionFrames: [FrameHash] = []
        let decoded = try reader.forEachSample { frame in
            let result = hasher.hash(frame)
            let hash = FrameHash(index: frame.index, timestamp: frame.timestamp, quality: result.quality,
                                 hash: result.hash, mirrorHash: result.exactMirrorHash ?? result.hash(.flipX))
            try body(hash)
            frames.append(hash)
            if regions { regionHashing.add(frame) { regionFrames.append($0) } }
        }
        if regions { regionHashing.finish { regionFrames.append($0) } }
        return VideoHashes(info: reader.info, decodedFrames: decoded, frames: frames,
                           region: regions ? regionHashing.region : nil, regionFrames: regionFrames)
    }

    /// Convenience: all sampled frame hashes of a file.
    public static func hashes(path: String, options: DecodeOptions) throws -> [FrameHash] {
        var out: [FrameHash] = []
        try hash(path: path, options: options) { out.append($0) }
        return out
    }
}

/// Everything `VideoHasher.hashWithRegions` learns about one file.
public struct VideoHashes: Sendable {
    public var info: MediaInfo
    public var decodedFrames: Int
    public var frames: [FrameHash]
    /// The content region its region hashes are crops of; nil when it has none.
    public var region: NormalizedRect?
    /// Region hashes, one per entry of `frames` and at the same timestamps; empty without a region.
    public var regionFrames: [FrameHash]
}
