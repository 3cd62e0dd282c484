import Testing
@testable import KeyprintModel
@testable import KeyprintIndex

@Suite struct SeedIndexTests {
    /// The definition: stored hashes equal to the query on at least one of the index's chunks.
    static func agreeingOnAChunk(_ stored: [PDQHash], _ query: PDQHash, tables: Int) -> [UInt32] {
        stored.indices.filter { i in
            (0..<tables).contains { t in
                let lo = t * 256 / tables, hi = (t + 1) * 256 / tables
                return SeedIndex.chunk(stored[i], start: lo, width: hi - lo) == SeedIndex.chunk(query, start: lo, width: hi - lo)
            }
        }.map(UInt32.init)
    }

    @Test func chunksReadTheRightBits() {
        var h = PDQHash.zero
        h.setBit(63); h.setBit(64); h.setBit(70)
        // Bits 60…69 (crossing words 0 and 1): 63 → 3, 64 → 4.
        #expect(SeedIndex.chunk(h, start: 60, width: 10) == (1 << 3) | (1 << 4))
        #expect(SeedIndex.chunk(h, start: 64, width: 7) == 1 | (1 << 6))
        #expect(SeedIndex.chunk(h, start: 0, width: 32) == 0)
    }

    @Test(arguments: [8, 10, 12])
    func findsExactlyTheHashesAgreeingOnAChunk(tables: Int) {
        var rng = SplitMix64(seed: 0x5EED_1000 + UInt64(tables))
        var stored = (0..<4000).map { _ in PDQHash.random(using: &rng) }
        let queries = (0..<30).map { _ in PDQHash.random(using: &rng) }
        var planted: [(query: Int, id: Int, distance: Int)] = []
        for (q, query) in queries.enumerated() {
            for d in [0, 1, tables - 1, tables, 16, 24, 31, 48] {
                planted.append((q, stored.count, d))
                stored.append(query.flippingRandomBits(d, using: &rng))
            }
        }
        // Stills and near-duplicates: full buckets, repeated keys.
        for i in 0..<300 { stored.append(stored[i]); stored.append(stored[i].flippingRandomBits(2, using: &rng)) }
        let index = SeedIndex(hashes: stored, tableCount: tables)
        for (q, query) in queries.enumerated() {
            var found: [UInt32] = []
            index.forEachCandidate(of: query) { found.append($0) }
            // Each once, and exactly the definition.
            #expect(found.count == Set(found).count)
            #expect(found.sorted() == Self.agreeingOnAChunk(stored, query, tables: tables))
            // Pigeonhole: fewer differing bits than chunks always leave one chunk intact.
            for p in planted where p.query == q && p.distance < tables {
                #expect(found.contains(UInt32(p.id)), "planted hash \(p.distance) bits away missed with \(tables) tables")
            }
        }
    }

    @Test func unrelatedHashesAreRarelyCandidates() {
        var rng = SplitMix64(seed: 77)
        let stored = (0..<100_000).map { _ in PDQHash.random(using: &rng) }
        let index = SeedIndex(hashes: stored, tableCount: 10)
        var candidates = 0
        for _ in 0..<1000 { index.forEachCandidate(of: PDQHash.random(using: &rng)) { _ in candidates += 1 } }
        // 10 tables × 100 000 / 2^25.6 ≈ 0.02 chance collisions per lookup.
        #expect(candidates < 100)
        #expect(index.bytesPerEntry < 100)
    }

    @Test func emptyAndTinyIndexes() {
        var found = 0
        SeedIndex(hashes: []).forEachCandidate(of: .zero) { _ in found += 1 }
        #expect(found == 0)
        SeedIndex(hashes: [.zero]).forEachCandidate(of: .zero) { _ in found += 1 }
        #expect(found == 1)
    }
}
