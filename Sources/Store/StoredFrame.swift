import KeyprintModel

/// One stored frame fingerprint.
public struct StoredFrame: Sendable, Equatable, Hashable {
    public var fileID: Int64
    public var index: Int
    public var timestamp: Double
    public var quality: Int
    public var hash: PDQHash
    public var mirrorHash: PDQHash

    public init(fileID: Int64, index: Int, timestamp: Double, quality: Int, hash: PDQHash, mirrorHash: PDQHash) {
        self.fileID = fileID; self.index = index; self.timestamp = timestamp
        self.quality = quality; self.hash = hash; self.mirrorHash = mirrorHash
    }

    public init(fileID: Int64, _ frame: FrameHash) {
        self.init(fileID: fileID, index: frame.index, timestamp: frame.timestamp, quality: frame.quality,
                  hash: frame.hash, mirrorHash: frame.mirrorHash)
    }

    public var frameHash: FrameHash {
        FrameHash(index: index, timestamp: timestamp, quality: quality, hash: hash, mirrorHash: mirrorHash)
    }
}
