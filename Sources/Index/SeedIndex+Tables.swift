import KeyprintModel

extension SeedIndex {
    /// Everything a `SeedIndex` holds besides the hashes themselves: the packed id tables and
    /// their directories, as plain arrays, so that an index can be kept in a file and taken
    /// back without sorting again (`init?(hashes:tables:)`). `entryDigest` is the caller's
    /// digest of what the index was built over (`entryDigest(hashes:indexed:tableCount:)`).
    public struct Tables: Sendable, Equatable {
        public var entryCount: Int
        public var entryDigest: UInt64
        public var tableCount: Int
        public var chunkBits: Int
        public var indexedCount: Int
        public var directoryBits: Int
        public var idBits: Int
        public var blockBase: [UInt32]
        public var wideOffsets: [UInt32]
        public var slotOffset: [UInt8]
        public var packed: [UInt64]

        public init(entryCount: Int, entryDigest: UInt64, tableCount: Int, chunkBits: Int, indexedCount: Int, directoryBits: Int,
                    idBits: Int, blockBase: [UInt32], wideOffsets: [UInt32], slotOffset: [UInt8], packed: [UInt64]) {
            self.entryCount = entryCount; self.entryDigest = entryDigest; self.tableCount = tableCount; self.chunkBits = chunkBits
            self.indexedCount = indexedCount; self.directoryBits = directoryBits; self.idBits = idBits
            self.blockBase = blockBase; self.wideOffsets = wideOffsets; self.slotOffset = slotOffset; self.packed = packed
        }
    }

    /// This index's tables, labelled with `entryDigest`.
    public func tables(entryDigest: UInt64) -> Tables {
        Tables(entryCount: hashes.count, entryDigest: entryDigest, tableCount: tableCount, chunkBits: chunkBits, indexedCount: indexedCount,
               directoryBits: directoryBits, idBits: idBits, blockBase: blockBase, wideOffsets: wideOffsets, slotOffset: slotOffset,
               packed: packed)
    }

    /// A digest of what an index is built over: every entry's hash, whether it is indexed, and
    /// the table count asked for (nil: the default). Two builds with the same digest give the
    /// same tables (the build is deterministic).
    public static func entryDigest(hashes: [PDQHash], indexed: [Bool], tableCount: Int?, chunkBits: Int = defaultChunkBits) -> UInt64 {
        precondition(hashes.count == indexed.count, "one flag per entry")
        var a: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(hashes.count), b: UInt64 = 0xC2B2_AE3D_27D4_EB4F
        var c: UInt64 = 0x1656_67B1_9E37_79F9 ^ UInt64(tableCount ?? 0), d: UInt64 = 0x27D4_EB2F_1656_67C5 ^ UInt64(chunkBits)
        let m: UInt64 = 0x1000_0000_01B3
        for i in hashes.indices {
            let h = hashes[i]
            a = (a ^ h.w0) &* m; b = (b ^ h.w1) &* m; c = (c ^ h.w2) &* m
            d = (d ^ h.w3 ^ (indexed[i] ? 0x5bd1_e995 : 0)) &* m
        }
        return (a ^ (b << 1 | b >> 63) ^ (c << 2 | c >> 62) ^ (d << 3 | d >> 61)) &* m
    }

    /// An index over `hashes` from tables kept earlier; nil when their shape does not fit
    /// (another entry count, table layout or directory), so a stale or damaged file is never
    /// used. Ids are bounded at lookup (`forEachCandidate` skips an id past the end).
    public init?(hashes: [PDQHash], tables t: Tables) {
        guard t.entryCount == hashes.count, hashes.count < Int(Self.wideFlag), (2...16).contains(t.tableCount), (1...32).contains(t.chunkBits),
              t.idBits == Self.idBits(for: hashes.count), (0...hashes.count).contains(t.indexedCount) else { return nil }
        let ranges = Self.chunkRanges(tableCount: t.tableCount, chunkBits: t.chunkBits)
        let widths = ranges.map(\.count)
        guard (4...30).contains(t.directoryBits), t.directoryBits <= (widths.min() ?? 0) else { return nil }
        let slots = 1 << t.directoryBits
        let blocks = (slots + Self.blockSlots - 1) / Self.blockSlots
        let n = t.indexedCount
        guard t.blockBase.count == t.tableCount * (blocks + 1), t.slotOffset.count == t.tableCount * slots,
              t.packed.count == (t.tableCount * n * t.idBits + 63) / 64 + 1 else { return nil }
        // Every slot's offset within its table's ids, nondecreasing, ending at the id count.
        for table in 0..<t.tableCount {
            var previous = 0
            for k in 0..<blocks {
                let base = t.blockBase[table * (blocks + 1) + k]
                let first = k * Self.blockSlots, last = min(slots, first + Self.blockSlots)
                for s in first..<last {
                    let offset: Int
                    if base & Self.wideFlag != 0 {
                        let w = Int(base & ~Self.wideFlag) + s - first
                        guard w < t.wideOffsets.count else { return nil }
                        offset = Int(t.wideOffsets[w])
                    } else {
                        offset = Int(base) + Int(t.slotOffset[table * slots + s])
                    }
                    guard offset >= previous, offset <= n else { return nil }
                    previous = offset
                }
            }
            guard Int(t.blockBase[table * (blocks + 1) + blocks]) == n, previous <= n else { return nil }
        }
        self.hashes = hashes
        self.tableCount = t.tableCount
        self.chunkBits = t.chunkBits
        self.indexedCount = n
        self.starts = ranges.map(\.lowerBound)
        self.widths = widths
        self.directoryBits = t.directoryBits
        self.blockBase = t.blockBase
        self.wideOffsets = t.wideOffsets
        self.slotOffset = t.slotOffset
        self.packed = t.packed
        self.idBits = t.idBits
    }
}
