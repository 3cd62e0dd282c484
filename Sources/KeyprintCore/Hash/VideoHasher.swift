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

    /// Convenience: all sampled frame hashes of a file.
    public static func hashes(path: String, options: DecodeOptions) throws -> [FrameHash] {
        var out: [FrameHash] = []
        try hash(path: path, options: options) { out.append($0) }
        return out
    }
}
