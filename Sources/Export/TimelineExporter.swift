import Foundation
import KeyprintModel
import KeyprintStore

/// Turns the stored match results into timeline rows: every stored run (one per comparison),
/// each segment with both files' paths (scanned folder + relative path; "hashes from PATH" for an
/// imported item, `StoredFile.displayPath`), digests, the query's
/// creation or modification time, and the settings; highest score first.
public struct TimelineExporter: Sendable {
    public let store: any CaseStore

    public init(store: any CaseStore) { self.store = store }

    public func rows() async throws -> [TimelineRow] {
        var files: [Int64: StoredFile] = [:]
        for file in try await store.files(collection: nil) { files[file.id] = file }
        var rows: [TimelineRow] = []
        // Known-file hits (exact digests in an imported hash set) come first, by path.
        var knownRows: [TimelineRow] = []
        for run in try await store.matchRuns() {
            for segment in try await store.matchSegments(runID: run.id) {
                guard let query = files[segment.queryVideoID], let reference = files[segment.referenceVideoID] else { continue }
                let mtime = Date(timeIntervalSince1970: Double(query.mtimeNanoseconds ?? 0) / 1e9)
                rows.append(TimelineRow(
                    queryPath: query.displayPath, referencePath: reference.displayPath, segment: segment,
                    queryCreationTime: query.media?.creationTime, queryModificationTime: mtime,
                    queryMD5: query.digests?.md5 ?? "", querySHA256: query.digests?.sha256 ?? "",
                    referenceMD5: reference.digests?.md5 ?? "", referenceSHA256: reference.digests?.sha256 ?? "",
                    thresholdBits: run.settings.thresholdBits, minDuration: run.settings.minDuration,
                    sampling: Self.sampling(of: query), viaPath: segment.via.flatMap { files[$0]?.path }))
            }
        }
        if let known = store as? any KnownMaterialStore {
            for hit in try await known.knownFileHits() {
                let file = hit.file
                let mtime = Date(timeIntervalSince1970: Double(file.mtimeNanoseconds ?? 0) / 1e9)
                let end = file.media?.duration ?? 0
                let segment = MatchSegment(queryVideoID: file.id, referenceVideoID: file.id, queryStart: 0, queryEnd: end,
                                           referenceStart: 0, referenceEnd: 0, slope: 1, matchedFrames: 0, meanDistance: 0, score: 0,
                                           transform: .none)
                var row = TimelineRow(
                    queryPath: file.path, referencePath: hit.hashSet.sourcePath, segment: segment,
                    queryCreationTime: file.media?.creationTime, queryModificationTime: mtime,
                    queryMD5: file.digests?.md5 ?? "", querySHA256: file.digests?.sha256 ?? "",
                    referenceMD5: hit.record.md5 ?? "", referenceSHA256: hit.record.sha256 ?? "",
                    thresholdBits: 0, minDuration: 0, sampling: Self.sampling(of: file))
                row.knownFile = KnownFileNote(hashSet: hit.hashSet.collection, matchedBy: hit.matchedBy, category: hit.record.category)
                knownRows.append(row)
            }
        }
        return knownRows + rows.sorted {
            ($0.segment.score, $1.queryPath, $1.segment.queryStart) > ($1.segment.score, $0.queryPath, $0.segment.queryStart)
        }
    }

    /// "every 1 s", "keyframes", "all frames", from the key the file was hashed under.
    static func sampling(of file: StoredFile) -> String {
        guard let key = file.hashingKey else { return "" }
        return ScanSettings.samplingDescription(ofHashingKey: key)
    }
}
