import Testing
@testable import KeyprintModel
@testable import KeyprintDecode
@testable import KeyprintHash
@testable import KeyprintIndex
@testable import KeyprintMatch
@testable import KeyprintStore
@testable import KeyprintExport
@testable import KeyprintPipeline

@Suite struct PDQHashTests {
    static let sample = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22"

    @Test func hexRoundTrips() async throws {
        let hash = try #require(PDQHash(hex: Self.sample))
        #expect(hash.hex == Self.sample)
        #expect(PDQHash(hex: Self.sample.uppercased()) == hash)
    }

    @Test func rejectsMalformedHex() {
        #expect(PDQHash(hex: "abc") == nil)
        #expect(PDQHash(hex: String(repeating: "g", count: 64)) == nil)
    }

    @Test func bitZeroIsTheLastHexDigit() {
        var hash = PDQHash()
        hash.setBit(0)
        #expect(hash.hex == String(repeating: "0", count: 63) + "1")
        hash = PDQHash()
        hash.setBit(255)
        #expect(hash.hex == "8" + String(repeating: "0", count: 63))
        #expect(hash.bit(255) && !hash.bit(254))
    }

    @Test func distanceCountsDifferingBits() async throws {
        let a = try #require(PDQHash(hex: Self.sample))
        var b = a
        #expect(a.distance(to: b) == 0)
        for k in [0, 63, 64, 130, 255] { b = PDQHash(w0: b.w0 ^ (k < 64 ? 1 << UInt64(k) : 0),
                                                      w1: b.w1 ^ (k >= 64 && k < 128 ? 1 << UInt64(k - 64) : 0),
                                                      w2: b.w2 ^ (k >= 128 && k < 192 ? 1 << UInt64(k - 128) : 0),
                                                      w3: b.w3 ^ (k >= 192 ? 1 << UInt64(k - 192) : 0)) }
        #expect(a.distance(to: b) == 5)
        let inverse = PDQHash(w0: ~a.w0, w1: ~a.w1, w2: ~a.w2, w3: ~a.w3)
        #expect(a.distance(to: inverse) == 256)
    }

    @Test func bytesRoundTrip() async throws {
        let a = try #require(PDQHash(hex: Self.sample))
        #expect(a.bytes.count == 32)
        #expect(PDQHash(bytes: a.bytes) == a)
        #expect(PDQHash(bytes: [UInt8](repeating: 0, count: 31)) == nil)
    }

    @Test func chunksCoverTheHash() async throws {
        let a = try #require(PDQHash(hex: Self.sample))
        var rebuilt = PDQHash()
        for i in 0..<16 {
            let c = a.chunk16(i)
            for b in 0..<16 where (c >> UInt16(b)) & 1 == 1 { rebuilt.setBit(i * 16 + b) }
        }
        #expect(rebuilt == a)
    }
}
