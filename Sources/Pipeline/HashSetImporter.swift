import Crypto
import Foundation
import KeyprintImport
import KeyprintModel
import KeyprintStore

/// `keyprint import hashset`: each file (VICS JSON, ICSE CSV, plain CSV) is read in 1-MiB
/// chunks and streamed into the store in one transaction per file, its SHA-256 computed on the
/// way. Memory stays that of one chunk and one record whatever the file's size.
public struct HashSetImporter: Sendable {
    public let store: any KnownMaterialStore
    public var chunkSize = 1 << 20

    public init(store: any KnownMaterialStore) { self.store = store }

    /// A record's size in a hash set file, roughly (a CSV line of one MD5 is 35 bytes, a VICS
    /// Media record with its file names several hundred): only the store's index strategy uses it.
    static let bytesPerRecordGuess = 128

    /// Imports `path` into the hash-set collection `collection`; `progress` gets the records
    /// read so far every 100,000 records and at the end.
    public func run(path: String, collection: String, commandLine: String,
                    progress: @escaping @Sendable (_ records: Int) -> Void = { _ in }) async throws -> StoredHashSet {
        guard let real = EvidencePaths.realPath(path) else { throw ImportError.unreadable(path: path, reason: "no such file") }
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: real, isDirectory: &isFolder), !isFolder.boolValue else {
            throw ImportError.unreadable(path: path, reason: "not a file")
        }
        let chunkSize = self.chunkSize
        let bytes = (try? FileManager.default.attributesOfItem(atPath: real)[.size] as? Int) ?? 0
        return try await store.importHashSet(collection: collection, sourcePath: real, commandLine: commandLine,
                                             expectedRecords: bytes / Self.bytesPerRecordGuess) { add in
            guard let handle = FileHandle(forReadingAtPath: real) else { throw ImportError.unreadable(path: real, reason: "cannot open it") }
            defer { try? handle.close() }
            var sha = SHA256()
            var records = 0
            let format = try HashSetReader.read(file: real, more: {
                let data: Data?
                do { data = try handle.read(upToCount: chunkSize) } catch { throw ImportError.unreadable(path: real, reason: (error as NSError).localizedDescription) }
                guard let data, !data.isEmpty else { return nil }
                sha.update(data: data)
                return [UInt8](data)
            }) { r in
                try add(KnownHashRecord(md5: r.md5, sha1: r.sha1, sha256: r.sha256, category: r.category, mediaID: r.mediaID, note: r.note))
                records += 1
                if records % 100_000 == 0 { progress(records) }
            }
            progress(records)
            return (format.rawValue, sha.finalize().map { String(format: "%02x", $0) }.joined())
        }
    }
}
