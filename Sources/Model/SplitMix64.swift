/// A small, seedable pseudo-random generator (Steele, Lea and Flood's SplitMix64), so that
/// synthetic test and benchmark data are the same on every run and every machine.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension PDQHash {
    /// A uniformly random hash.
    public static func random(using rng: inout some RandomNumberGenerator) -> PDQHash {
        PDQHash(w0: rng.next(), w1: rng.next(), w2: rng.next(), w3: rng.next())
    }

    /// This hash with `count` distinct bits, chosen at random, flipped: exactly `count` bits away.
    public func flippingRandomBits(_ count: Int, using rng: inout some RandomNumberGenerator) -> PDQHash {
        var positions = Array(0..<256)
        positions.shuffle(using: &rng)
        return flipping(bits: positions.prefix(count))
    }

    /// This hash with the given bit positions flipped.
    public func flipping(bits: some Sequence<Int>) -> PDQHash {
        var words = [w0, w1, w2, w3]
        for k in bits { words[k >> 6] ^= UInt64(1) << UInt64(k & 63) }
        return PDQHash(w0: words[0], w1: words[1], w2: words[2], w3: words[3])
    }
}
