import Foundation
import KeyprintModel

/// What a match run needs to be reused by the next run of the same comparison (incremental
/// matching, docs/matching.md §1c): a key of everything that decides a query's segments
/// besides the files (program version, settings, the search used), and per file of the run
/// its content digest, its roles, and for a query the references its frames matched at all
/// (raw frame matches, which also decide document frequency) and the direct segments of the
/// pairs stored with it as the query side (`Matcher.pairSegments`).
public struct MatchReuseState: Sendable, Equatable {
    public var matcherKey: String
    public var files: [MatchedFile]

    public init(matcherKey: String, files: [MatchedFile]) { self.matcherKey = matcherKey; self.files = files }
}

/// One file of a match run, as `MatchReuseState` records it.
public struct MatchedFile: Sendable, Equatable {
    public var fileID: Int64
    /// Digest of everything the matcher reads of the file (hashes, times, qualities, regions,
    /// shots, duration): a rescanned file with other hashes has another.
    public var digest: UInt64
    public var isQuery: Bool
    public var isReference: Bool
    /// Queries: the references with at least one frame match (or near-identical failed region
    /// check) with this query, ascending.
    public var touched: [Int64]
    /// Queries: the direct segments of the pairs stored with this file as the query side.
    public var segments: [MatchSegment]

    public init(fileID: Int64, digest: UInt64, isQuery: Bool, isReference: Bool, touched: [Int64] = [], segments: [MatchSegment] = []) {
        self.fileID = fileID; self.digest = digest; self.isQuery = isQuery; self.isReference = isReference
        self.touched = touched; self.segments = segments
    }
}

/// A store that keeps `MatchReuseState` beside a match run. Separate from `CaseStore` so that
/// a backend without it still works: `MatchRunner` then matches every query every time.
public protocol MatchReuseStore: CaseStore {
    /// `saveMatchRun`, and the run's reuse state in the same transaction.
    func saveMatchRun(_ run: MatchRun, segments: [MatchSegment], reuse: MatchReuseState) async throws -> MatchRun
    /// The reuse state saved with a run; nil when the run was saved without one.
    func matchReuseState(runID: Int64) async throws -> MatchReuseState?
}

/// Binary form of segments (doubles by bit pattern, so that a reused segment is bit-identical).
enum SegmentCoding {
    static let fieldCount = 12

    static func encode(_ segments: [MatchSegment]) -> Data {
        var out = Data(capacity: segments.count * fieldCount * 8)
        func put(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) } }
        for s in segments {
            put(UInt64(bitPattern: s.queryVideoID)); put(UInt64(bitPattern: s.referenceVideoID))
            put(s.queryStart.bitPattern); put(s.queryEnd.bitPattern); put(s.referenceStart.bitPattern); put(s.referenceEnd.bitPattern)
            put(s.slope.bitPattern); put(UInt64(bitPattern: Int64(s.matchedFrames))); put(s.meanDistance.bitPattern); put(s.score.bitPattern)
            put(UInt64(MatchTransform.allCases.firstIndex(of: s.transform) ?? 0))
            put(s.via.map { UInt64(bitPattern: $0) } ?? UInt64.max)
        }
        return out
    }

    static func decode(_ data: Data) -> [MatchSegment]? {
        let bytes = [UInt8](data)
        guard bytes.count % (fieldCount * 8) == 0 else { return nil }
        func get(_ i: Int) -> UInt64 {
            var v: UInt64 = 0
            for k in 0..<8 { v |= UInt64(bytes[i * 8 + k]) << UInt64(8 * k) }
            return v
        }
        var out: [MatchSegment] = []
        for n in 0..<(bytes.count / (fieldCount * 8)) {
            let b = n * fieldCount
            let t = Int(get(b + 10))
            guard t < MatchTransform.allCases.count else { return nil }
            var s = MatchSegment(queryVideoID: Int64(bitPattern: get(b)), referenceVideoID: Int64(bitPattern: get(b + 1)),
                                 queryStart: Double(bitPattern: get(b + 2)), queryEnd: Double(bitPattern: get(b + 3)),
                                 referenceStart: Double(bitPattern: get(b + 4)), referenceEnd: Double(bitPattern: get(b + 5)),
                                 slope: Double(bitPattern: get(b + 6)), matchedFrames: Int(Int64(bitPattern: get(b + 7))),
                                 meanDistance: Double(bitPattern: get(b + 8)), score: Double(bitPattern: get(b + 9)),
                                 transform: MatchTransform.allCases[t])
            let via = get(b + 11)
            s.via = via == UInt64.max ? nil : Int64(bitPattern: via)
            out.append(s)
        }
        return out
    }

    static func encode(ids: [Int64]) -> Data {
        var out = Data(capacity: ids.count * 8)
        for id in ids { withUnsafeBytes(of: UInt64(bitPattern: id).littleEndian) { out.append(contentsOf: $0) } }
        return out
    }

    static func decodeIDs(_ data: Data) -> [Int64]? {
        let bytes = [UInt8](data)
        guard bytes.count % 8 == 0 else { return nil }
        return (0..<(bytes.count / 8)).map { n in
            var v: UInt64 = 0
            for k in 0..<8 { v |= UInt64(bytes[n * 8 + k]) << UInt64(8 * k) }
            return Int64(bitPattern: v)
        }
    }
}
