import KeyprintModel

/// Candidate search for seed-and-extend matching: finds stored hashes that agree with a query
/// *exactly* on at least one of `tableCount` long chunks of bits (chunk c covers bits
/// ⌊c·256/m⌋ ..< ⌊(c+1)·256/m⌋). This is not a radius search: it finds every stored hash within
/// `tableCount − 1` bits (pigeonhole: fewer differing bits than chunks leave one chunk intact),
/// and beyond that a hash d bits away with probability about 1 − (1 − (1 − d/256)^w)^m for
/// chunks of w bits (d = 16: 0.88 with m = 10; d = 24: 0.57; unrelated PDQ hashes, ~128 bits
/// apart: (1/2)^w per chunk, i.e. a chance collision). The matcher uses it to pick candidate
/// reference videos and then compares their frames directly at the full radius.
///
/// Why long chunks: the number of stored entries a lookup touches is about E / 2^w per table
/// for E stored hashes (chance collisions) plus the true near neighbours, so with w ≥ 24 a
/// lookup stays near-constant up to millions of entries, whereas `HammingIndex` (w = 16 at
/// radius 31) checks about E / 241 candidates: linear in the index.
///
/// Layout, no per-entry objects: per table one array of `UInt32` entry ids sorted by key and a
/// directory of `2^b + 1` offsets on the key's top b bits (b ≈ log2 E, at most the chunk
/// width), plus the stored hashes. A bucket holds one or two ids on average; the key of an id
/// is read back from its hash.
public struct SeedIndex: Sendable {
    public let hashes: [PDQHash]
    public let tableCount: Int
    /// Bit ranges of the chunks.
    private let starts: [Int]
    private let widths: [Int]
    /// Directory bits per table (top bits of the chunk key).
    private let directoryBits: [Int]
    /// `tableCount` directories, each `2^directoryBits[t] + 1` offsets, concatenated.
    private let directory: [UInt32]
    private let directoryBase: [Int]
    /// `tableCount × count` entry ids, table-major; within a table sorted by (key, id).
    private let ids: [UInt32]

    public var count: Int { hashes.count }

    /// - Parameter tableCount: number of chunks (2…16); 10 gives chunks of 25–26 bits.
    public init(hashes: [PDQHash], tableCount: Int = 10) {
        precondition(hashes.count < Int(UInt32.max), "entry ids are 32-bit")
        precondition((2...16).contains(tableCount), "2…16 tables")
        let n = hashes.count
        self.hashes = hashes
        self.tableCount = tableCount
        var starts: [Int] = [], widths: [Int] = []
        for t in 0..<tableCount {
            let lo = t * 256 / tableCount, hi = (t + 1) * 256 / tableCount
            starts.append(lo); widths.append(hi - lo)
        }
        self.starts = starts
        self.widths = widths
        // Two to four entries per directory slot on average, never more slots than keys, at
        // least 2^4: 1–2 bytes of directory per entry and table.
        var logN = 4
        while (2 << logN) < n && logN < 26 { logN += 1 }
        logN = max(4, logN - 1)
        let bits = widths.map { min($0, logN) }
        self.directoryBits = bits
        var base: [Int] = [], total = 0
        for b in bits { base.append(total); total += (1 << b) + 1 }
        self.directoryBase = base
        var directory = [UInt32](repeating: 0, count: total)
        var ids = [UInt32](repeating: 0, count: tableCount * n)
        hashes.withUnsafeBufferPointer { h in
            directory.withUnsafeMutableBufferPointer { dir in
                ids.withUnsafeMutableBufferPointer { idb in
                    var keys = [UInt32](repeating: 0, count: n)
                    var order = [UInt32](repeating: 0, count: n)
                    for t in 0..<tableCount {
                        let shift = widths[t] - bits[t], d = base[t]
                        for i in 0..<n { keys[i] = Self.chunk(h[i], start: starts[t], width: widths[t]) }
                        // Counting sort by the directory bits, then by the full key inside a slot.
                        for i in 0..<n { dir[d + Int(keys[i] >> UInt32(shift)) + 1] &+= 1 }
                        for s in 0..<(1 << bits[t]) { dir[d + s + 1] &+= dir[d + s] }
                        var cursor = Array(dir[d..<(d + (1 << bits[t]))])
                        for i in 0..<n {
                            let slot = Int(keys[i] >> UInt32(shift))
                            order[Int(cursor[slot])] = UInt32(i)
                            cursor[slot] &+= 1
                        }
                        let idBase = t * n
                        for s in 0..<(1 << bits[t]) {
                            let lo = Int(dir[d + s]), hi = Int(dir[d + s + 1])
                            if hi - lo > 1 {
                                // Ids are ascending already (stable); sort by key, stable by id.
                                var slotIDs = Array(order[lo..<hi])
                                slotIDs.sort { (keys[Int($0)], $0) < (keys[Int($1)], $1) }
                                for (j, id) in slotIDs.enumerated() { idb[idBase + lo + j] = id }
                            } else if hi > lo {
                                idb[idBase + lo] = order[lo]
                            }
                        }
                    }
                }
            }
        }
        self.directory = directory
        self.ids = ids
    }

    /// Bits `start ..< start + width` of `hash` (width ≤ 32), bit k being bit k & 63 of word k >> 6.
    @inline(__always)
    static func chunk(_ hash: PDQHash, start: Int, width: Int) -> UInt32 {
        let words = (hash.w0, hash.w1, hash.w2, hash.w3)
        func word(_ i: Int) -> UInt64 {
            switch i { case 0: return words.0; case 1: return words.1; case 2: return words.2; default: return words.3 }
        }
        let w = start >> 6, offset = start & 63
        var value = word(w) >> UInt64(offset)
        if offset + width > 64 { value |= word(w + 1) << UInt64(64 - offset) }
        return UInt32(truncatingIfNeeded: value & ((UInt64(1) << UInt64(width)) - 1))
    }

    /// Calls `body` once with the id of every stored hash that equals `query` on at least one
    /// chunk (order unspecified).
    public func forEachCandidate(of query: PDQHash, _ body: (UInt32) -> Void) {
        guard !hashes.isEmpty else { return }
        let n = hashes.count
        var queryKeys: [UInt32] = []
        queryKeys.reserveCapacity(tableCount)
        for t in 0..<tableCount { queryKeys.append(Self.chunk(query, start: starts[t], width: widths[t])) }
        hashes.withUnsafeBufferPointer { h in
            directory.withUnsafeBufferPointer { dir in
                ids.withUnsafeBufferPointer { idb in
                    for t in 0..<tableCount {
                        let key = queryKeys[t]
                        let slot = Int(key >> UInt32(widths[t] - directoryBits[t]))
                        let lo = Int(dir[directoryBase[t] + slot]), hi = Int(dir[directoryBase[t] + slot + 1])
                        var j = lo
                        while j < hi {
                            let id = idb[t * n + j]
                            j += 1
                            let stored = h[Int(id)]
                            let k = Self.chunk(stored, start: starts[t], width: widths[t])
                            if k < key { continue }
                            if k > key { break }
                            // Report from the first table where it agrees only.
                            var earlier = false
                            var e = 0
                            while e < t {
                                if Self.chunk(stored, start: starts[e], width: widths[e]) == queryKeys[e] { earlier = true; break }
                                e += 1
                            }
                            if !earlier { body(id) }
                        }
                    }
                }
            }
        }
    }

    /// Bytes held per stored hash (ids, directories and the hash itself), for benchmarks.
    public var bytesPerEntry: Double {
        guard !hashes.isEmpty else { return 0 }
        return Double(ids.count * 4 + directory.count * 4 + hashes.count * 32) / Double(hashes.count)
    }
}
