@testable import KeyprintModel
@testable import KeyprintDecode
@testable import KeyprintHash
@testable import KeyprintIndex
@testable import KeyprintMatch
@testable import KeyprintStore
@testable import KeyprintExport
@testable import KeyprintPipeline

/// A made-up recording for matcher tests: a content hash every 0.25 s that drifts by a few bits
/// per step (as a video's frames do), from which videos are "cut" at any offset and speed.
struct SyntheticRecording {
    static let step = 0.25
    var states: [PDQHash]

    init(seconds: Double, seed: UInt64, bitsPerStep: Int = 6) {
        var rng = SplitMix64(seed: seed)
        var current = PDQHash.random(using: &rng)
        states = []
        for _ in 0...Int(seconds / Self.step) {
            states.append(current)
            current = current.flippingRandomBits(bitsPerStep, using: &rng)
        }
    }

    func hash(at t: Double) -> PDQHash {
        states[min(states.count - 1, max(0, Int((t / Self.step).rounded())))]
    }

    /// A stand-in for the dihedral mirror: an involution that makes an unrelated-looking hash.
    static func mirror(_ h: PDQHash) -> PDQHash {
        let c: UInt64 = 0x5A5A_5A5A_5A5A_5A5A
        return PDQHash(w0: h.w2 ^ c, w1: h.w3 ^ c, w2: h.w0 ^ c, w3: h.w1 ^ c)
    }

    /// Frames sampled every `every` seconds for `duration` seconds of the new video, showing
    /// this recording from `start` at `speed`, each hash re-encoded with `noise` flipped bits.
    func frames(from start: Double, duration: Double, speed: Double = 1, every: Double = 1,
                startingAt videoTime: Double = 0, noise: Int = 6, mirrored: Bool = false,
                quality: Int = 80, seed: UInt64 = 7) -> [FrameHash] {
        var rng = SplitMix64(seed: seed)
        var out: [FrameHash] = []
        var t = 0.0
        while t < duration - 1e-9 {
            let content = hash(at: start + speed * t).flippingRandomBits(noise, using: &rng)
            let (h, m) = mirrored ? (Self.mirror(content), content) : (content, Self.mirror(content))
            out.append(FrameHash(index: out.count, timestamp: videoTime + t, quality: quality, hash: h, mirrorHash: m))
            t += every
        }
        return out
    }
}

/// Renumbers frames and shifts them to follow `previous` in time: for building compilations.
func concatenate(_ parts: [[FrameHash]]) -> [FrameHash] {
    var out: [FrameHash] = []
    var offset = 0.0
    for part in parts {
        for f in part {
            var g = f
            g.index = out.count
            g.timestamp = offset + f.timestamp
            out.append(g)
        }
        offset += Double(part.count)
    }
    return out
}
