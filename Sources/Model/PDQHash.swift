/// A 256-bit PDQ hash. Bit k (0…255) is bit (k % 64) of word k / 64; the hex form prints bit
/// 255 first, as ThreatExchange's reference does, so hashes exchange with vPDQ/PDQ tools.
public struct PDQHash: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var w0: UInt64, w1: UInt64, w2: UInt64, w3: UInt64

    public init(w0: UInt64 = 0, w1: UInt64 = 0, w2: UInt64 = 0, w3: UInt64 = 0) {
        self.w0 = w0; self.w1 = w1; self.w2 = w2; self.w3 = w3
    }

    public static let zero = PDQHash()

    /// Parses 64 hexadecimal characters (either case).
    public init?(hex: some StringProtocol) {
        let utf8 = Array(hex.utf8)
        guard utf8.count == 64 else { return nil }
        var words: [UInt64] = []
        for chunk in 0..<4 {
            var value: UInt64 = 0
            for c in utf8[(chunk * 16)..<(chunk * 16 + 16)] {
                guard let nibble = PDQHash.nibble(c) else { return nil }
                value = value << 4 | UInt64(nibble)
            }
            words.append(value)
        }
        self.init(w0: words[3], w1: words[2], w2: words[1], w3: words[0])
    }

    public var hex: String {
        [w3, w2, w1, w0].map { word in
            let s = String(word, radix: 16)
            return String(repeating: "0", count: 16 - s.count) + s
        }.joined()
    }

    public var description: String { hex }

    public func bit(_ k: Int) -> Bool {
        let word = [w0, w1, w2, w3][k >> 6]
        return (word >> UInt64(k & 63)) & 1 == 1
    }

    public mutating func setBit(_ k: Int) {
        let mask = UInt64(1) << UInt64(k & 63)
        switch k >> 6 {
        case 0: w0 |= mask
        case 1: w1 |= mask
        case 2: w2 |= mask
        default: w3 |= mask
        }
    }

    /// Number of differing bits (popcount of the XOR over four 64-bit words).
    @inline(__always)
    public func distance(to other: PDQHash) -> Int {
        (w0 ^ other.w0).nonzeroBitCount + (w1 ^ other.w1).nonzeroBitCount
            + (w2 ^ other.w2).nonzeroBitCount + (w3 ^ other.w3).nonzeroBitCount
    }

    public var bitCount: Int { w0.nonzeroBitCount + w1.nonzeroBitCount + w2.nonzeroBitCount + w3.nonzeroBitCount }

    /// The 16-bit slice `i` (0…15) of the hash, bits 16i…16i+15.
    @inline(__always)
    public func chunk16(_ i: Int) -> UInt16 {
        let word: UInt64
        switch i >> 2 {
        case 0: word = w0
        case 1: word = w1
        case 2: word = w2
        default: word = w3
        }
        return UInt16(truncatingIfNeeded: word >> UInt64((i & 3) * 16))
    }

    public static func < (a: PDQHash, b: PDQHash) -> Bool {
        (a.w3, a.w2, a.w1, a.w0) < (b.w3, b.w2, b.w1, b.w0)
    }

    /// Eight bytes per word, little-endian, w0 first: the database blob form.
    public var bytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(32)
        for word in [w0, w1, w2, w3] { for i in 0..<8 { out.append(UInt8(truncatingIfNeeded: word >> UInt64(8 * i))) } }
        return out
    }

    public init?(bytes: some Collection<UInt8>) {
        guard bytes.count == 32 else { return nil }
        let b = Array(bytes)
        func word(_ k: Int) -> UInt64 {
            var w: UInt64 = 0
            for i in 0..<8 { w |= UInt64(b[k * 8 + i]) << UInt64(8 * i) }
            return w
        }
        self.init(w0: word(0), w1: word(1), w2: word(2), w3: word(3))
    }

    /// The value of one hexadecimal digit (either case), nil for any other byte.
    public static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
