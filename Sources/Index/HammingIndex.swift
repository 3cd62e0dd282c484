import KeyprintModel

/// Exact Hamming-radius search over 256-bit PDQ hashes by multi-index hashing (Norouzi, Punjani
/// and Fleet, "Fast search in Hamming space with multi-index hashing", CVPR 2012).
///
/// The 256 bits are cut into 16 chunks of 16 bits (`PDQHash.chunk16`). If a stored hash is
/// within distance r of the query, the 16 chunk distances sum to at most r, so by pigeonhole at
/// least one chunk differs by at most k = ⌊r / 16⌋ bits. A search therefore looks up, in each
/// chunk's table, every 16-bit key within k bits of the query's chunk (1 + 16 keys for r ≤ 31,
/// 137 for r ≤ 47, …), verifies each candidate with the full 256-bit popcount distance, and
/// reports it only from the first chunk in which it qualifies, so that no entry is reported
/// twice and no scratch memory is needed. When the probe count would exceed a linear scan's
/// work (large radii on small sets) it scans linearly instead; either way the result is exact.
///
/// Layout (built once, queried many times, immutable and `Sendable`): per chunk a CSR table,
/// `offsets[chunk][key] ..< offsets[chunk][key + 1]` indexing into `ids[chunk]`, plus the
/// hashes themselves. Memory: 16 × 65 537 × 4 B of offsets (4 MB) + 16 × 4 B of ids per entry +
/// 32 B per hash, i.e. about 96 MB + 4 MB for one million entries.
public struct HammingIndex: HammingSearching {
    public static let chunkCount = 16
    public static let keyCount = 1 << 16

    public let hashes: [PDQHash]
    /// `chunkCount × (keyCount + 1)` offsets, chunk-major.
    private let offsets: [UInt32]
    /// `chunkCount × count` entry ids, chunk-major; within a chunk grouped by key, ascending id.
    private let ids: [UInt32]

    public var count: Int { hashes.count }

    public init(hashes: [PDQHash]) {
        precondition(hashes.count < Int(UInt32.max), "entry ids are 32-bit")
        let n = hashes.count
        let chunks = Self.chunkCount, keys = Self.keyCount
        var offsets = [UInt32](repeating: 0, count: chunks * (keys + 1))
        var ids = [UInt32](repeating: 0, count: chunks * n)
        hashes.withUnsafeBufferPointer { h in
            offsets.withUnsafeMutableBufferPointer { off in
                ids.withUnsafeMutableBufferPointer { idb in
                    var cursor = [UInt32](repeating: 0, count: keys)
                    for c in 0..<chunks {
                        let base = c * (keys + 1)
                        // Counting sort of entry ids by this chunk's 16-bit key.
                        for i in 0..<n { off[base + Int(h[i].chunk16(c)) + 1] &+= 1 }
                        for k in 0..<keys { off[base + k + 1] &+= off[base + k] }
                        for k in 0..<keys { cursor[k] = off[base + k] }
                        let idBase = c * n
                        for i in 0..<n {
                            let key = Int(h[i].chunk16(c))
                            idb[idBase + Int(cursor[key])] = UInt32(i)
                            cursor[key] &+= 1
                        }
                    }
                }
            }
        }
        self.hashes = hashes
        self.offsets = offsets
        self.ids = ids
    }

    /// Bits a chunk may differ by and still hold a neighbour at `radius`: ⌊radius / 16⌋.
    public static func chunkRadius(for radius: Int) -> Int { max(0, radius) / chunkCount }

    /// 16-bit keys probed per chunk for `radius`: Σ_{j ≤ k} C(16, j).
    public static func probesPerChunk(radius: Int) -> Int {
        let k = min(16, chunkRadius(for: radius))
        var total = 0, binom = 1
        for j in 0...k {
            total += binom
            binom = binom * (16 - j) / (j + 1)
        }
        return total
    }

    public func forEachNeighbor(of query: PDQHash, radius: Int, _ body: (HammingNeighbor) -> Void) {
        guard radius >= 0, !hashes.isEmpty else { return }
        let k = Self.chunkRadius(for: radius)
        // A probe costs about as much as checking a few entries; past that, scan.
        if k >= 16 || Self.probesPerChunk(radius: radius) * Self.chunkCount > hashes.count {
            BruteForceIndex(hashes: hashes).forEachNeighbor(of: query, radius: radius, body)
            return
        }
        let queryChunks = (0..<Self.chunkCount).map { query.chunk16($0) }
        let n = hashes.count
        hashes.withUnsafeBufferPointer { h in
            offsets.withUnsafeBufferPointer { off in
                ids.withUnsafeBufferPointer { idb in
                    queryChunks.withUnsafeBufferPointer { qc in
                        for c in 0..<Self.chunkCount {
                            let base = c * (Self.keyCount + 1)
                            let idBase = c * n
                            func probe(_ key: UInt16) {
                                let lo = Int(off[base + Int(key)]), hi = Int(off[base + Int(key) + 1])
                                var j = lo
                                while j < hi {
                                    let id = idb[idBase + j]
                                    j += 1
                                    let stored = h[Int(id)]
                                    let d = stored.distance(to: query)
                                    if d > radius { continue }
                                    // Report from the first chunk that qualifies only.
                                    var earlier = false
                                    var e = 0
                                    while e < c {
                                        if (stored.chunk16(e) ^ qc[e]).nonzeroBitCount <= k { earlier = true; break }
                                        e += 1
                                    }
                                    if !earlier { body(HammingNeighbor(id: id, distance: d)) }
                                }
                            }
                            if k < Self.flipMasks.count {
                                // The common radii: a precomputed list of XOR masks, no recursion.
                                for mask in Self.flipMasks[k] { probe(qc[c] ^ mask) }
                            } else {
                                Self.forEachKey(near: qc[c], within: k, probe)
                            }
                        }
                    }
                }
            }
        }
    }

    /// How many stored entries a search at `radius` would verify (bucket sizes summed over all
    /// probed keys, repeats included): the work a search does beyond its probes. For benchmarks.
    public func candidateCount(of query: PDQHash, radius: Int) -> Int {
        guard radius >= 0, !hashes.isEmpty else { return 0 }
        let k = Self.chunkRadius(for: radius)
        if k >= 16 || Self.probesPerChunk(radius: radius) * Self.chunkCount > hashes.count { return hashes.count }
        var total = 0
        for c in 0..<Self.chunkCount {
            let base = c * (Self.keyCount + 1)
            Self.forEachKey(near: query.chunk16(c), within: k) { key in
                total += Int(offsets[base + Int(key) + 1] - offsets[base + Int(key)])
            }
        }
        return total
    }

    /// `flipMasks[k]`: every 16-bit mask with at most k bits set (k = 0…3; 1, 17, 137, 697 masks).
    static let flipMasks: [[UInt16]] = (0...3).map { k in
        (0...UInt16.max).filter { $0.nonzeroBitCount <= k }
    }

    /// Calls `body` with every 16-bit value within `k` bits of `key`, each exactly once.
    @inline(__always)
    static func forEachKey(near key: UInt16, within k: Int, _ body: (UInt16) -> Void) {
        body(key)
        if k >= 1 { flip(key, from: 0, remaining: k, body) }
    }

    /// Flips one more bit at a position ≥ `from`, reports, and recurses for the rest.
    private static func flip(_ key: UInt16, from: Int, remaining: Int, _ body: (UInt16) -> Void) {
        var bit = from
        while bit < 16 {
            let next = key ^ (UInt16(1) << UInt16(bit))
            body(next)
            if remaining > 1 { flip(next, from: bit + 1, remaining: remaining - 1, body) }
            bit += 1
        }
    }
}
