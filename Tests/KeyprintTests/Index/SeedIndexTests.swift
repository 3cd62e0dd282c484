import Testing
@testable import KeyprintModel
@testable import KeyprintIndex

@Suite struct SeedIndexTests {
    /// The definition: stored hashes equal to the query on at least one of the index's chunks.
    static func agreeingOnAChunk(_ stored: [PDQHash], _ query: PDQHash, tables: Int) -> [UInt32] {
        let ranges = SeedIndex.chunkRanges(tableCount: tables)
        return stored.indices.filter { i in
            ranges.contains { r in
                SeedIndex.chunk(stored[i], start: r.lowerBound, width: r.count) == SeedIndex.chunk(query, start: r.lowerBound, width: r.count)
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
        let index = SeedIndex(hashes: stored)
        var candidates = 0
        for _ in 0..<1000 { index.forEachCandidate(of: PDQHash.random(using: &rng)) { _ in candidates += 1 } }
        // 9 tables × 100 000 / 2^25 ≈ 0.03 chance collisions per lookup.
        #expect(candidates < 100)
        #expect(index.bytesPerIndexedHash <= 64)
    }

    @Test func chunksAre25BitsSpreadOverTheHash() {
        let ranges = SeedIndex.chunkRanges(tableCount: 9)
        #expect(ranges.map(\.count) == Array(repeating: 25, count: 9))
        #expect(ranges.first?.lowerBound == 0 && ranges.last!.upperBound <= 256)
        #expect(zip(ranges, ranges.dropFirst()).allSatisfy { $0.upperBound <= $1.lowerBound })
        // 12 tables: chunks of 21–22 bits, no gaps.
        #expect(SeedIndex.chunkRanges(tableCount: 12).reduce(0) { $0 + $1.count } == 256)
        #expect(SeedIndex.defaultTableCount(entries: 1 << 24) == 9)
        #expect(SeedIndex.defaultTableCount(entries: (1 << 24) + 1) == 8)
        #expect(SeedIndex.defaultTableCount(entries: 100_000_000) == 8)
    }

    @Test func onlyIndexedEntriesAreCandidates() {
        var rng = SplitMix64(seed: 41)
        let base = (0..<500).map { _ in PDQHash.random(using: &rng) }
        // Every hash twice: even positions indexed, odd ones (the same hashes) not.
        let stored = base.flatMap { [$0, $0] }
        let index = SeedIndex(hashes: stored) { $0 % 2 == 0 }
        #expect(index.indexedCount == 500 && index.count == 1000)
        for (i, h) in base.enumerated() {
            var found: [UInt32] = []
            index.forEachCandidate(of: h) { found.append($0) }
            #expect(found == [UInt32(2 * i)])
        }
    }

    @Test func aBucketOfTensOfThousandsOfIdenticalHashesIsExact() {
        // One picture in 70 000 entries: its directory block overflows 8-bit offsets.
        var rng = SplitMix64(seed: 9)
        let logo = PDQHash.random(using: &rng)
        var stored = [PDQHash](repeating: logo, count: 70_000)
        stored += (0..<20_000).map { _ in PDQHash.random(using: &rng) }
        let index = SeedIndex(hashes: stored)
        var found = 0
        index.forEachCandidate(of: logo) { found += $0 < 70_000 ? 1 : 0 }
        #expect(found == 70_000)
        for i in stride(from: 70_000, to: 90_000, by: 997) {
            var ids: [UInt32] = []
            index.forEachCandidate(of: stored[i]) { ids.append($0) }
            #expect(ids.contains(UInt32(i)))
        }
    }

    @Test func atMost64BytesPerIndexedHash() {
        var rng = SplitMix64(seed: 12)
        let stored = (0..<300_000).map { _ in PDQHash.random(using: &rng) }
        let index = SeedIndex(hashes: stored)
        #expect(index.tableCount == 9)
        #expect(index.bytesPerIndexedHash <= 64, "\(index.bytesPerIndexedHash) B per hash")
        #expect(index.bytesPerIndexedHash >= 32 + 9 * 19.0 / 8)   // the hash and 19-bit ids at least
    }

    @Test func emptyAndTinyIndexes() {
        var found = 0
        SeedIndex(hashes: []).forEachCandidate(of: .zero) { _ in found += 1 }
        #expect(found == 0)
        SeedIndex(hashes: [.zero]).forEachCandidate(of: .zero) { _ in found += 1 }
        #expect(found == 1)
    }
}
