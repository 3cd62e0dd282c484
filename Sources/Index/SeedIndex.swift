import KeyprintModel

/// Candidate search for seed-and-extend matching: finds stored hashes that agree with a query
/// *exactly* on at least one of `tableCount` chunks of `chunkBits` bits each (chunk t starts at
/// bit ⌊t·256/m⌋; with m = 9 chunks of 25 bits, 225 of the 256 bits are covered and the gaps
/// are spread evenly). This is not a radius search: it finds every stored hash within
/// `tableCount − 1` bits (pigeonhole: fewer differing bits than chunks leave one chunk intact),
/// and beyond that a hash d bits away with probability about 1 − (1 − (1 − d/256)^w)^m for
/// chunks of w bits (m = 9, w = 25: 0.86 at d = 16, 0.55 at 24, 0.34 at 30; unrelated PDQ
/// hashes, ~128 bits apart: (1/2)^w per chunk, a chance collision). The matcher uses it to
/// pick candidate reference videos and then compares their frames directly at the full radius.
///
/// Why long chunks: the number of stored entries a lookup touches is about E / 2^w per table
/// for E stored hashes (chance collisions) plus the true near neighbours, so with w ≥ 24 a
/// lookup stays near-constant up to millions of entries, whereas `HammingIndex` (w = 16 at
/// radius 31) checks about E / 241 candidates: linear in the index.
///
/// Compact layout, no per-entry objects, at most 64 bytes per indexed hash:
/// - the hashes themselves (32 B each), in the caller's entry order, shared with the caller;
/// - per table, the ids of the indexed entries sorted by (key, id), bit-packed at
///   ⌈log2 E⌉ bits each (24 bits up to 16.7M entries);
/// - per table, a directory on the key's top b bits (b chosen so that a slot holds 2.5–5 ids on
///   average): slot offsets as 8-bit values relative to a 32-bit base per block of 32 slots;
///   a block whose slots hold more than 255 ids (one picture in hundreds of files) keeps
///   32-bit offsets of its own (its base then says where). About 0.25–0.45 B per id.
/// `defaultTableCount(entries:)` keeps ids + directories within 32 B per indexed hash: 9
/// tables up to 2^24 entries, 8 up to 2^27, 7 beyond. The key of an id is read back from its
/// hash (one memory read per id in the probed slot).
public struct SeedIndex: Sendable {
    public let hashes: [PDQHash]
    public let tableCount: Int
    public let chunkBits: Int
    /// Number of entries in the tables (those `isIndexed` accepted).
    public let indexedCount: Int
    /// Bit ranges of the chunks.
    let starts: [Int]
    let widths: [Int]
    /// Directory bits (top bits of the chunk key), the same for every table.
    let directoryBits: Int
    /// Slots per directory block.
    static let blockSlots = 32
    /// Per table `blocks + 1` bases (offsets of each block's first slot, 0…indexedCount),
    /// concatenated; a base with `wideFlag` set is instead where the block's `blockSlots + 1`
    /// 32-bit offsets start in `wideOffsets`. The last one of a table is its id count.
    let blockBase: [UInt32]
    static let wideFlag: UInt32 = 1 << 31
    let wideOffsets: [UInt32]
    /// Per table `2^directoryBits` slot offsets relative to their block's base.
    let slotOffset: [UInt8]
    /// `tableCount × indexedCount` ids of `idBits` bits each, table-major, packed into words.
    let packed: [UInt64]
    let idBits: Int

    public var count: Int { hashes.count }

    /// Tables that keep ids and directories within 32 B per indexed hash at this entry count.
    public static func defaultTableCount(entries: Int) -> Int {
        let bits = idBits(for: entries)
        return bits <= 24 ? 9 : max(2, min(9, 216 / bits))
    }

    /// The default chunk width: 25 bits (chance collisions E / 2^25 per table and lookup).
    public static let defaultChunkBits = 25

    static func idBits(for entries: Int) -> Int { max(1, Int.bitWidth - max(0, entries - 1).leadingZeroBitCount) }

    /// Bit ranges of the chunks of an index with `tableCount` chunks of at most `chunkBits` bits.
    public static func chunkRanges(tableCount: Int, chunkBits: Int = defaultChunkBits) -> [Range<Int>] {
        (0..<tableCount).map { t in
            let lo = t * 256 / tableCount, hi = (t + 1) * 256 / tableCount
            return lo..<(lo + min(chunkBits, hi - lo))
        }
    }

    /// - Parameters:
    ///   - hashes: every entry's hash; ids are positions in this array.
    ///   - tableCount: number of chunks (2…16); nil: `defaultTableCount(entries:)`.
    ///   - chunkBits: chunk width (at most 32; a chunk never overlaps the next one's start).
    ///   - isIndexed: which entries go into the tables (the others keep their hash only, so a
    ///     caller can compute an entry's meaning from its position).
    public init(hashes: [PDQHash], tableCount: Int? = nil, chunkBits: Int = defaultChunkBits,
                isIndexed: (Int) -> Bool = { _ in true }) {
        precondition(hashes.count < Int(Self.wideFlag), "entry ids are 31-bit")
        let tableCount = tableCount ?? Self.defaultTableCount(entries: hashes.count)
        precondition((2...16).contains(tableCount), "2…16 tables")
        precondition((1...32).contains(chunkBits), "chunks of 1…32 bits")
        self.hashes = hashes
        self.tableCount = tableCount
        self.chunkBits = chunkBits
        let ranges = Self.chunkRanges(tableCount: tableCount, chunkBits: chunkBits)
        let starts = ranges.map(\.lowerBound), widths = ranges.map(\.count)
        self.starts = starts
        self.widths = widths
        let members = hashes.indices.filter(isIndexed).map { UInt32($0) }
        let n = members.count
        self.indexedCount = n
        let idBits = Self.idBits(for: hashes.count)
        self.idBits = idBits
        // 2.5–5 ids per slot on average, never more slots than keys, at least 2^4.
        var b = 4
        while Double(n) >= 5 * Double(1 << b) && b < 30 { b += 1 }
        b = min(b, widths.min() ?? 4)
        self.directoryBits = b
        let slots = 1 << b
        let blocks = (slots + Self.blockSlots - 1) / Self.blockSlots
        var blockBase = [UInt32](repeating: 0, count: tableCount * (blocks + 1))
        var wideOffsets: [UInt32] = []
        var slotOffset = [UInt8](repeating: 0, count: tableCount * slots)
        var packed = [UInt64](repeating: 0, count: (tableCount * n * idBits + 63) / 64 + 1)
        hashes.withUnsafeBufferPointer { h in
            packed.withUnsafeMutableBufferPointer { pk in
                var keys = [UInt32](repeating: 0, count: n)
                var order = [UInt32](repeating: 0, count: n)
                var offsets = [UInt32](repeating: 0, count: slots + 1)
                for t in 0..<tableCount {
                    let shift = UInt32(widths[t] - b)
                    for (i, id) in members.enumerated() { keys[i] = Self.chunk(h[Int(id)], start: starts[t], width: widths[t]) }
                    // Counting sort of member positions by slot (stable), then by key inside a slot.
                    for s in 0...slots { offsets[s] = 0 }
                    for i in 0..<n { offsets[Int(keys[i] >> shift) + 1] &+= 1 }
                    for s in 0..<slots { offsets[s + 1] &+= offsets[s] }
                    var cursor = Array(offsets[0..<slots])
                    for i in 0..<n {
                        let slot = Int(keys[i] >> shift)
                        order[Int(cursor[slot])] = UInt32(i)
                        cursor[slot] &+= 1
                    }
                    let base = t * n
                    for s in 0..<slots {
                        let lo = Int(offsets[s]), hi = Int(offsets[s + 1])
                        if hi - lo > 1 {
                            var slotMembers = Array(order[lo..<hi])
                            slotMembers.sort { (keys[Int($0)], $0) < (keys[Int($1)], $1) }
                            for (j, m) in slotMembers.enumerated() { Self.write(members[Int(m)], at: base + lo + j, bits: idBits, into: pk) }
                        } else if hi > lo {
                            Self.write(members[Int(order[lo])], at: base + lo, bits: idBits, into: pk)
                        }
                    }
                    // The directory: 8-bit offsets from each block's base, 32-bit where a block overflows.
                    for k in 0..<blocks {
                        let first = k * Self.blockSlots, last = min(slots, first + Self.blockSlots)
                        let start = offsets[first]
                        blockBase[t * (blocks + 1) + k] = start
                        if offsets[last] - start > UInt32(UInt8.max) {
                            blockBase[t * (blocks + 1) + k] = Self.wideFlag | UInt32(wideOffsets.count)
                            wideOffsets += offsets[first...last]
                        } else {
                            for s in first..<last { slotOffset[t * slots + s] = UInt8(offsets[s] - start) }
                        }
                    }
                    blockBase[t * (blocks + 1) + blocks] = offsets[slots]
                }
            }
        }
        self.blockBase = blockBase
        self.wideOffsets = wideOffsets
        self.slotOffset = slotOffset
        self.packed = packed
    }

    @inline(__always)
    private static func write(_ id: UInt32, at position: Int, bits: Int, into words: UnsafeMutableBufferPointer<UInt64>) {
        let bit = position * bits, w = bit >> 6, o = bit & 63
        words[w] |= UInt64(id) << UInt64(o)
        if o + bits > 64 { words[w + 1] |= UInt64(id) >> UInt64(64 - o) }
    }

    @inline(__always)
    private static func read(at position: Int, bits: Int, from words: UnsafeBufferPointer<UInt64>) -> Int {
        let bit = position * bits, w = bit >> 6, o = bit & 63
        var value = words[w] >> UInt64(o)
        if o + bits > 64 { value |= words[w + 1] << UInt64(64 - o) }
        return Int(truncatingIfNeeded: value & ((UInt64(1) << UInt64(bits)) - 1))
    }

    /// Offset (within table `t`'s ids) of directory slot `s` (0…2^directoryBits).
    @inline(__always)
    private func offset(table t: Int, slot s: Int) -> Int {
        let slots = 1 << directoryBits
        let blocks = (slots + Self.blockSlots - 1) / Self.blockSlots
        if s == slots { return Int(blockBase[t * (blocks + 1) + blocks]) }
        let k = s / Self.blockSlots
        let base = blockBase[t * (blocks + 1) + k]
        if base & Self.wideFlag != 0 { return Int(wideOffsets[Int(base & ~Self.wideFlag) + s - k * Self.blockSlots]) }
        return Int(base) + Int(slotOffset[t * slots + s])
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

    /// Calls `body` once with the id of every indexed hash that equals `query` on at least one
    /// chunk (order unspecified).
    public func forEachCandidate(of query: PDQHash, _ body: (UInt32) -> Void) {
        guard indexedCount > 0 else { return }
        let n = indexedCount
        var queryKeys: [UInt32] = []
        queryKeys.reserveCapacity(tableCount)
        for t in 0..<tableCount { queryKeys.append(Self.chunk(query, start: starts[t], width: widths[t])) }
        hashes.withUnsafeBufferPointer { h in
            packed.withUnsafeBufferPointer { pk in
                for t in 0..<tableCount {
                    let key = queryKeys[t]
                    let slot = Int(key >> UInt32(widths[t] - directoryBits))
                    let lo = offset(table: t, slot: slot), hi = offset(table: t, slot: slot + 1)
                    var j = lo
                    while j < hi {
                        let id = Self.read(at: t * n + j, bits: idBits, from: pk)
                        j += 1
                        // Tables read back from a file (`init?(hashes:tables:)`) are checked for shape, not id by id.
                        guard id < h.count else { continue }
                        let stored = h[id]
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
                        if !earlier { body(UInt32(id)) }
                    }
                }
            }
        }
    }

    /// Bytes held (hashes, packed ids, directories).
    public var byteCount: Int {
        hashes.count * 32 + packed.count * 8 + blockBase.count * 4 + wideOffsets.count * 4 + slotOffset.count
    }

    /// Bytes held per indexed hash (ids, directories and the hashes, unindexed ones included), for benchmarks.
    public var bytesPerIndexedHash: Double {
        indexedCount == 0 ? 0 : Double(byteCount) / Double(indexedCount)
    }
}
