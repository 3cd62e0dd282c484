import Testing
@testable import KeyprintModel
@testable import KeyprintDecode
@testable import KeyprintHash
@testable import KeyprintIndex
@testable import KeyprintMatch
@testable import KeyprintStore
@testable import KeyprintExport
@testable import KeyprintPipeline

@Suite struct HammingIndexTests {
    /// Flips `distance` bits spread as evenly as possible over the 16 chunks: the case where
    /// every chunk is as far from the query as the distance allows (the pigeonhole edge).
    static func spreadFlips(_ base: PDQHash, distance: Int, rng: inout SplitMix64) -> PDQHash {
        var bits: [Int] = []
        var perChunk = [Int](repeating: distance / 16, count: 16)
        for c in 0..<(distance % 16) { perChunk[c] += 1 }
        perChunk.shuffle(using: &rng)
        for c in 0..<16 {
            var offsets = Array(0..<16)
            offsets.shuffle(using: &rng)
            bits += offsets.prefix(perChunk[c]).map { c * 16 + $0 }
        }
        return base.flipping(bits: bits)
    }

    @Test(arguments: [0, 1, 15, 16, 31, 32, 47, 63])
    func matchesBruteForceWithPlantedNeighbours(radius: Int) {
        var rng = SplitMix64(seed: 0x5EED_0000 + UInt64(radius))
        var stored = (0..<3000).map { _ in PDQHash.random(using: &rng) }
        let queries = (0..<20).map { _ in PDQHash.random(using: &rng) }
        var planted: [(query: Int, id: Int, distance: Int)] = []
        for (q, query) in queries.enumerated() {
            for d in 0...(radius + 5) {
                planted.append((q, stored.count, d))
                stored.append(query.flippingRandomBits(d, using: &rng))
                planted.append((q, stored.count, d))
                stored.append(Self.spreadFlips(query, distance: d, rng: &rng))
            }
        }
        // Near-duplicates of stored hashes, as consecutive video frames give.
        for i in 0..<500 { stored.append(stored[i].flippingRandomBits(3, using: &rng)) }

        let index = HammingIndex(hashes: stored)
        let brute = BruteForceIndex(hashes: stored)
        for (q, query) in queries.enumerated() {
            let fast = index.neighbors(of: query, radius: radius)
            let exact = brute.neighbors(of: query, radius: radius)
            #expect(fast == exact)
            let found = Set(fast.map { Int($0.id) })
            for p in planted where p.query == q {
                if p.distance <= radius {
                    #expect(found.contains(p.id), "planted neighbour at \(p.distance) missed at radius \(radius)")
                } else {
                    #expect(!found.contains(p.id), "planted hash at \(p.distance) reported at radius \(radius)")
                }
            }
        }
    }

    @Test func stressAgainstBruteForceOnClusteredHashes() {
        var rng = SplitMix64(seed: 42)
        var stored: [PDQHash] = []
        var current = PDQHash.random(using: &rng)
        for i in 0..<20_000 {
            if i % 200 == 0 { current = PDQHash.random(using: &rng) }
            current = current.flippingRandomBits(Int.random(in: 0...6, using: &rng), using: &rng)
            stored.append(current)
        }
        let index = HammingIndex(hashes: stored)
        let brute = BruteForceIndex(hashes: stored)
        for _ in 0..<50 {
            let query = stored[Int.random(in: 0..<stored.count, using: &rng)]
                .flippingRandomBits(Int.random(in: 0...40, using: &rng), using: &rng)
            for radius in [0, 16, 31, 32] {
                #expect(index.neighbors(of: query, radius: radius) == brute.neighbors(of: query, radius: radius))
            }
        }
    }

    @Test func reportsEachEntryOnceWithItsDistance() {
        let base = PDQHash(w0: 0x0123_4567_89AB_CDEF, w1: 1, w2: 2, w3: 3)
        let stored = [base, base, base.flipping(bits: [0, 100]), base.flipping(bits: Array(0..<32))]
        let found = HammingIndex(hashes: stored).neighbors(of: base, radius: 31)
        #expect(found == [HammingNeighbor(id: 0, distance: 0), HammingNeighbor(id: 1, distance: 0),
                          HammingNeighbor(id: 2, distance: 2)])
    }

    @Test func emptyIndexAndNegativeRadiusFindNothing() {
        #expect(HammingIndex(hashes: []).neighbors(of: .zero, radius: 31).isEmpty)
        #expect(HammingIndex(hashes: [.zero]).neighbors(of: .zero, radius: -1).isEmpty)
    }

    @Test func enumeratesEveryKeyWithinRadiusExactlyOnce() {
        for k in 0...3 {
            var seen: [UInt16] = []
            HammingIndex.forEachKey(near: 0xA5A5, within: k) { seen.append($0) }
            #expect(seen.count == HammingIndex.probesPerChunk(radius: k * 16))
            #expect(Set(seen).count == seen.count)
            #expect(seen.allSatisfy { ($0 ^ 0xA5A5).nonzeroBitCount <= k })
            #expect(Set(HammingIndex.flipMasks[k].map { 0xA5A5 ^ $0 }) == Set(seen))
        }
    }
}
