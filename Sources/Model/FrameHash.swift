/// The fingerprint of one sampled frame: when it is, how good it is, what it hashes to.
public struct FrameHash: Sendable, Equatable {
    /// Frame number among decoded frames (vPDQ's frameNumber).
    public var index: Int
    /// Seconds from the start of the video stream.
    public var timestamp: Double
    public var quality: Int
    public var hash: PDQHash
    /// Hash of the left–right mirrored frame, from the mirrored pixels of the same decode.
    public var mirrorHash: PDQHash
    /// The hashes of the frame turned and mirrored (`DihedralHashes`), when the scan made them;
    /// stored apart from the frame's row (`dihedral_frames`).
    public var dihedral: DihedralHashes?

    public init(index: Int, timestamp: Double, quality: Int, hash: PDQHash, mirrorHash: PDQHash, dihedral: DihedralHashes? = nil) {
        self.index = index
        self.timestamp = timestamp
        self.quality = quality
        self.hash = hash
        self.mirrorHash = mirrorHash
        self.dihedral = dihedral
    }

    /// vPDQ's text line: `frameNumber,quality,pdqHex,timestampSeconds` (3 decimals).
    public var vpdqLine: String {
        "\(index),\(quality),\(hash.hex),\(format3(timestamp))"
    }
}
