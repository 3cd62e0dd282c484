import Foundation
import KeyprintModel
import KeyprintStore

/// Turns the stored results into timeline rows: first the known-file hits (an evidence file
/// whose digest is in an imported hash set), by path; then the segments of every stored run (one
/// per comparison), grouped by linked pair of files, one direction per pair however many runs
/// linked it (`LinkedPairs`: that of its strongest segment), pairs strongest first and, within
/// a pair, in query time order. Each row carries both files (path, collection, relative path,
/// duration, digests; "hashes from PATH" for an imported item, `StoredFile.displayPath`), the
/// query's creation or modification time, the run and its settings.
public struct TimelineExporter: Sendable {
    public let store: any CaseStore

    public init(store: any CaseStore) { self.store = store }

    /// Every row, in timeline order.
    public func rows() async throws -> [TimelineRow] {
        var rows: [TimelineRow] = []
        try await forEachRow { rows.append($0) }
        return rows
    }

    /// Calls `body` with each row in timeline order, one at a time (the segments are read
    /// first, to group them; the rows are made as they are written). Returns the rows written.
    @discardableResult
    public func forEachRow(_ body: (TimelineRow) throws -> Void) async throws -> Int {
        var files: [Int64: StoredFile] = [:]
        for file in try await store.files(collection: nil) { files[file.id] = file }
        var segments: [MatchSegment] = []
        var runOf: [MatchRun] = []
        for run in try await store.matchRuns() {
            for segment in try await store.matchSegments(runID: run.id) {
                segments.append(segment)
                runOf.append(run)
            }
        }
        var written = 0
        if let known = store as? any KnownMaterialStore {
            for hit in try await known.knownFileHits() {
                let file = hit.file
                let mtime = Date(timeIntervalSince1970: Double(file.mtimeNanoseconds ?? 0) / 1e9)
                let end = file.media?.duration ?? 0
                let segment = MatchSegment(queryVideoID: file.id, referenceVideoID: file.id, queryStart: 0, queryEnd: end,
                                           referenceStart: 0, referenceEnd: 0, slope: 1, matchedFrames: 0, meanDistance: 0, score: 0,
                                           transform: .none)
                let hashSet = TimelineFile(path: hit.hashSet.sourcePath, collection: hit.hashSet.collection, relativePath: "",
                                           duration: nil, md5: hit.record.md5 ?? "", sha1: hit.record.sha1 ?? "",
                                           sha256: hit.record.sha256 ?? "")
                var row = TimelineRow(
                    query: TimelineFile(file), reference: hashSet, segment: segment,
                    queryCreationTime: file.media?.creationTime, queryModificationTime: mtime,
                    matchRunID: 0, comparison: "known files in \(hit.hashSet.collection)",
                    thresholdBits: 0, minDuration: 0, sampling: Self.sampling(of: file))
                row.knownFile = KnownFileNote(hashSet: hit.hashSet.collection, matchedBy: hit.matchedBy, category: hit.record.category)
                try body(row)
                written += 1
            }
        }
        for pair in LinkedPairs.pairs(segments) {
            guard let query = files[pair.query], let reference = files[pair.reference] else { continue }
            let ordered = pair.segments.sorted {
                ($0.segment.queryStart, $0.segment.referenceStart, runOf[$0.source].id) < ($1.segment.queryStart, $1.segment.referenceStart, runOf[$1.source].id)
            }
            for (segment, source) in ordered {
                let run = runOf[source]
                let mtime = Date(timeIntervalSince1970: Double(query.mtimeNanoseconds ?? 0) / 1e9)
                try body(TimelineRow(
                    query: TimelineFile(query), reference: TimelineFile(reference), segment: segment,
                    queryCreationTime: query.media?.creationTime, queryModificationTime: mtime,
                    matchRunID: run.id, comparison: Self.comparison(run),
                    thresholdBits: run.settings.thresholdBits, minDuration: run.settings.minDuration,
                    sampling: Self.sampling(of: query), via: segment.via.flatMap { files[$0] }.map(TimelineFile.init)))
                written += 1
            }
        }
        return written
    }

    /// "samples against uploads"; "all" for every collection.
    static func comparison(_ run: MatchRun) -> String {
        "\(run.queryCollection ?? "all") against \(run.referenceCollection ?? "all")"
    }

    /// "every 1 s", "keyframes", "all frames", from the key the file was hashed under.
    static func sampling(of file: StoredFile) -> String {
        guard let key = file.hashingKey else { return "" }
        return ScanSettings.samplingDescription(ofHashingKey: key)
    }
}
