import Foundation
import KeyprintModel
import KeyprintStore

/// `keyprint export hits --format vics`: the case's evidence media that are known, as a VICS
/// 2.0 JSON document a review tool can load: one Media record per evidence file with an exact
/// hit in an imported hash set (MD5, SHA1, the set's category, the file's path) or a
/// perceptual link to an imported vPDQ item (marked as such in `Comments` and
/// `KeyprintMatch`, without a category: the hash file carries none).
public struct HitsExporter: Sendable {
    public let store: any KnownMaterialStore

    public init(store: any KnownMaterialStore) { self.store = store }

    public static let dataModel = "http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/Default/$metadata#Media"

    struct Document: Encodable {
        var context: String
        var value: [Media]
        enum CodingKeys: String, CodingKey { case context = "@odata.context", value }
    }

    struct Media: Encodable {
        var MediaID: Int
        var MD5: String?
        var SHA1: String?
        var SHA256: String?
        var Category: String?
        var MediaFiles: [MediaFile]
        var Comments: String
        /// `exact` (a digest is in a hash set) and/or `perceptual` (linked to imported vPDQ hashes).
        var KeyprintMatch: String
    }

    struct MediaFile: Encodable {
        var FileName: String
        var FilePath: String
    }

    /// The document and the number of Media records in it.
    public func document() async throws -> (json: String, records: Int) {
        var byFile: [Int64: (file: StoredFile, category: String?, exact: [String], perceptual: [String])] = [:]
        for hit in try await store.knownFileHits() {
            var entry = byFile[hit.file.id] ?? (hit.file, nil, [], [])
            if entry.category == nil { entry.category = hit.record.category }
            entry.exact.append("\(hit.matchedBy) in hash set \(hit.hashSet.collection) (\(hit.hashSet.sourcePath))"
                               + (hit.record.category.map { ", category \($0)" } ?? ""))
            byFile[hit.file.id] = entry
        }
        var files: [Int64: StoredFile] = [:]
        for file in try await store.files(collection: nil) { files[file.id] = file }
        for run in try await store.matchRuns() {
            for s in try await store.matchSegments(runID: run.id) {
                guard let q = files[s.queryVideoID], let r = files[s.referenceVideoID] else { continue }
                let (evidence, item, evStart, evEnd, itemStart, itemEnd): (StoredFile, StoredFile, Double, Double, Double, Double)
                if q.importedFrom == nil, r.importedFrom != nil {
                    (evidence, item, evStart, evEnd, itemStart, itemEnd) = (q, r, s.queryStart, s.queryEnd, s.referenceStart, s.referenceEnd)
                } else if r.importedFrom == nil, q.importedFrom != nil {
                    (evidence, item, evStart, evEnd, itemStart, itemEnd) = (r, q, s.referenceStart, s.referenceEnd, s.queryStart, s.queryEnd)
                } else { continue }
                var entry = byFile[evidence.id] ?? (evidence, nil, [], [])
                entry.perceptual.append("\(format3(evStart))–\(format3(evEnd)) s matches hashes from \(item.path) \(format3(itemStart))–\(format3(itemEnd)) s"
                                        + " (\(s.transform.rawValue), score \(format3(s.score)))")
                byFile[evidence.id] = entry
            }
        }
        var media: [Media] = []
        for (n, entry) in byFile.values.sorted(by: { $0.file.path < $1.file.path }).enumerated() {
            let kinds = [entry.exact.isEmpty ? nil : "exact", entry.perceptual.isEmpty ? nil : "perceptual"].compactMap { $0 }
            let comments = entry.exact.map { "known file: " + $0 } + entry.perceptual.map { "perceptual link: " + $0 }
            media.append(Media(MediaID: n + 1, MD5: entry.file.digests?.md5, SHA1: entry.file.digests?.sha1, SHA256: entry.file.digests?.sha256,
                               Category: entry.category,
                               MediaFiles: [MediaFile(FileName: URL(fileURLWithPath: entry.file.path).lastPathComponent, FilePath: entry.file.path)],
                               Comments: comments.joined(separator: "; "), KeyprintMatch: kinds.joined(separator: "+")))
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let json = String(decoding: try encoder.encode(Document(context: Self.dataModel, value: media)), as: UTF8.self)
        return (json + "\n", media.count)
    }
}
