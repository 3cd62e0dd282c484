import KeyprintModel

/// The baseline: compares the query with every stored hash. Exact by construction; used as the
/// oracle in tests and as the baseline in `keyprint-bench`.
public struct BruteForceIndex: HammingSearching {
    public let hashes: [PDQHash]

    public init(hashes: [PDQHash]) {
        precondition(hashes.count <= Int(UInt32.max), "entry ids are 32-bit")
        self.hashes = hashes
    }

    public var count: Int { hashes.count }

    public func forEachNeighbor(of query: PDQHash, radius: Int, _ body: (HammingNeighbor) -> Void) {
        hashes.withUnsafeBufferPointer { stored in
            for i in 0..<stored.count {
                let d = stored[i].distance(to: query)
                if d <= radius { body(HammingNeighbor(id: UInt32(i), distance: d)) }
            }
        }
    }
}
