import KeyprintModel

/// One stored hash found within the search radius of a query: its entry id (the position of
/// the hash in the array the index was built from) and its Hamming distance to the query.
public struct HammingNeighbor: Hashable, Sendable, Comparable {
    public var id: UInt32
    public var distance: Int

    public init(id: UInt32, distance: Int) {
        self.id = id
        self.distance = distance
    }

    public static func < (a: HammingNeighbor, b: HammingNeighbor) -> Bool {
        (a.id, a.distance) < (b.id, b.distance)
    }
}

/// Exact Hamming-radius search over a fixed set of PDQ hashes. Entry ids are positions in the
/// array the index was built from; the caller maps them to (video, frame).
public protocol HammingSearching: Sendable {
    /// Number of stored hashes.
    var count: Int { get }
    /// Calls `body` once for every stored hash within `radius` bits of `query` (order unspecified).
    func forEachNeighbor(of query: PDQHash, radius: Int, _ body: (HammingNeighbor) -> Void)
}

extension HammingSearching {
    /// Every stored hash within `radius` bits of `query`, sorted by entry id.
    public func neighbors(of query: PDQHash, radius: Int) -> [HammingNeighbor] {
        var out: [HammingNeighbor] = []
        forEachNeighbor(of: query, radius: radius) { out.append($0) }
        out.sort()
        return out
    }
}
