import KeyprintModel
import KeyprintHash
import KeyprintIndex
import KeyprintMatch
import KeyprintStore
import KeyprintExport
import KeyprintPipeline

/// Deterministic synthetic hash data for the benchmarks.
enum SyntheticCorpus {
    /// Uniformly random hashes: the easy case for multi-index hashing (even buckets).
    static func uniform(count: Int, seed: UInt64) -> [PDQHash] {
        var rng = SplitMix64(seed: seed)
        return (0..<count).map { _ in PDQHash.random(using: &rng) }
    }

    /// A stand-in for the dihedral mirror: an involution that gives an unrelated-looking hash.
    static func mirror(_ h: PDQHash) -> PDQHash {
        let c: UInt64 = 0x5A5A_5A5A_5A5A_5A5A
        return PDQHash(w0: h.w2 ^ c, w1: h.w3 ^ c, w2: h.w0 ^ c, w3: h.w1 ^ c)
    }

    /// Video-like frame hashes, 1 frame per second: each video is a random walk (0…10 bits per
    /// frame, so neighbouring frames are within the radius), with a scene cut about every 90 s,
    /// 3 % of frames at low quality, and one video in ten opening on one of three shared
    /// 5-second opening screens. Clustered data fills some buckets far more than others.
    static func videos(totalFrames: Int, framesPerVideo: Int = 600, seed: UInt64) -> [VideoFrames] {
        var rng = SplitMix64(seed: seed)
        let openings = (0..<3).map { _ in PDQHash.random(using: &rng) }
        var out: [VideoFrames] = []
        var produced = 0
        var id: Int64 = 1
        while produced < totalFrames {
            let n = min(framesPerVideo, totalFrames - produced)
            var frames: [FrameHash] = []
            frames.reserveCapacity(n)
            var current = PDQHash.random(using: &rng)
            let opening: PDQHash? = Int.random(in: 0..<10, using: &rng) == 0 ? openings.randomElement(using: &rng) : nil
            for i in 0..<n {
                var hash: PDQHash
                if let opening, i < 5 {
                    hash = opening.flippingRandomBits(Int.random(in: 0...4, using: &rng), using: &rng)
                } else {
                    if Int.random(in: 0..<90, using: &rng) == 0 { current = PDQHash.random(using: &rng) }
                    current = current.flippingRandomBits(Int.random(in: 0...10, using: &rng), using: &rng)
                    hash = current
                }
                let quality = Int.random(in: 0..<100, using: &rng) < 3 ? 20 : 80
                frames.append(FrameHash(index: i, timestamp: Double(i), quality: quality, hash: hash, mirrorHash: mirror(hash)))
            }
            out.append(VideoFrames(videoID: id, frames: frames))
            id += 1
            produced += n
        }
        return out
    }
}
