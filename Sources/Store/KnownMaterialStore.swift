import Foundation
import KeyprintModel

/// Where an imported item's hashes came from: the hash file's format and its SHA-256. The
/// item's `StoredFile.path` is the hash file's path when it was imported.
public struct ImportedSource: Sendable, Equatable {
    /// The format of the hash file, e.g. "vpdq".
    public var format: String
    /// SHA-256 of the hash file's bytes, lower-case hex.
    public var sha256: String
    public var role: ImportRole = .reference

    public init(format: String, sha256: String, role: ImportRole = .reference) { self.format = format; self.sha256 = sha256; self.role = role }
}

/// One item of an import: a hash file's per-frame hashes, which become a `done` file of the
/// collection with no media file behind it.
public struct ImportedItem: Sendable, Equatable {
    /// The folder the import named (or the file's own folder): `root` + `relativePath` is the
    /// hash file's path.
    public var root: String
    /// The item's name in its collection: the hash file's path below `root`.
    public var relativePath: String
    public var source: ImportedSource
    /// The frames in time order; `mirrorHash` is the hash itself (a hash file has no mirror).
    public var frames: [FrameHash]

    public init(root: String, relativePath: String, source: ImportedSource, frames: [FrameHash]) {
        self.root = root; self.relativePath = relativePath; self.source = source; self.frames = frames
    }
}

/// What an imported item is for.
public enum ImportRole: String, Sendable, Equatable, CaseIterable {
    /// Known material: matched like a decoded file (the default).
    case reference
    /// An ignore list: frames within the match threshold of its hashes never vote, in any match
    /// (splash screens, "Connecting…" cards, watermark-only frames); its items are never matched.
    case ignore
}

/// What an import stored.
public struct ImportSummary: Sendable, Equatable {
    public var collection: String
    /// Items stored, and of those the ones that replaced an earlier import of the same name.
    public var items: Int
    public var replaced: Int
    public var frames: Int

    public init(collection: String, items: Int, replaced: Int, frames: Int) {
        self.collection = collection; self.items = items; self.replaced = replaced; self.frames = frames
    }
}

/// Why an import was refused before anything was written.
public enum KnownMaterialError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The collection holds files a scan decoded: imported hashes go into a collection of their own.
    case collectionHoldsScannedFiles(String)
    /// The collection holds imported items: a scan of evidence goes into a collection of its own.
    case collectionHoldsImportedItems(String)
    /// The case database's backend cannot hold imported material.
    case unsupportedBackend(String)
    /// The same item name twice in one import.
    case duplicateItem(collection: String, name: String)

    public var description: String {
        switch self {
        case .collectionHoldsScannedFiles(let name):
            return "collection \(name) holds scanned files; import hashes into a collection of their own (--collection NAME)"
        case .collectionHoldsImportedItems(let name):
            return "collection \(name) holds imported hashes (keyprint import); scan evidence into a collection of its own (--collection NAME)"
        case .unsupportedBackend(let location):
            return "the case database \(location) cannot hold imported hashes (its backend has no known-material tables)"
        case .duplicateItem(let collection, let name):
            return "\(name) is named twice in one import into collection \(collection)"
        }
    }
}

/// Known material beside the case's own files: reference items imported from hash files
/// (vPDQ). A backend that implements it can hold imported collections; `CaseStore` alone
/// cannot (the commands say so). `SQLiteCaseStore` and `PostgresCaseStore` implement it.
///
/// Promises:
/// - `importItems` is one transaction: every item the producer hands over is stored, or none
///   (a producer that throws leaves the database as it was).
/// - An item of the same collection and name as an earlier import replaces it (same file id,
///   its frames replaced), never a duplicate.
/// - Each item gets an audit line with its source path, the source's SHA-256 and the time.
/// - Imported items are `done` files: `storedHashes`, `files` and the matcher see them like
///   decoded files; `StoredFile.importedFrom` tells them apart.
public protocol KnownMaterialStore: CaseStore {
    /// Stores the items `produce` hands to its `add` callback into `collection`, in one
    /// transaction. `commandLine` goes into the audit trail.
    func importItems(collection: String, commandLine: String,
                     _ produce: @escaping @Sendable (_ add: (ImportedItem) throws -> Void) throws -> Void) async throws -> ImportSummary

    /// Stores one hash set file into the hash-set collection `collection`, in one transaction:
    /// `produce` hands each record to `add` and returns the file's format and SHA-256 when it
    /// has read it all. A set of the same collection and source path replaces the earlier one.
    /// `expectedRecords` is a guess of the set's size (from its file size): a store may choose
    /// how it builds its indexes from it; any value gives the same result.
    func importHashSet(collection: String, sourcePath: String, commandLine: String, expectedRecords: Int,
                       _ produce: @escaping @Sendable (_ add: (KnownHashRecord) throws -> Void) throws -> (format: String, sha256: String)) async throws -> StoredHashSet

    /// Every imported hash set, by collection then source path.
    func hashSets() async throws -> [StoredHashSet]

    /// Every done, decoded file whose MD5, SHA-1 or SHA-256 is in an imported hash set: one hit
    /// per (file, set record), ordered by file path.
    func knownFileHits() async throws -> [KnownFileHit]
}

extension KnownMaterialStore {
    /// What `knownFileHits` looks digests up for, by id: the done, decoded files that have
    /// digests, and every hash set; nil when there is no hash set (no hit is possible).
    public func hitInputs() async throws -> (files: [Int64: StoredFile], sets: [Int64: StoredHashSet])? {
        var files: [Int64: StoredFile] = [:]
        for file in try await self.files(collection: nil) where file.state == .done && file.importedFrom == nil && file.digests != nil {
            files[file.id] = file
        }
        var sets: [Int64: StoredHashSet] = [:]
        for set in try await hashSets() { sets[set.id] = set }
        return sets.isEmpty ? nil : (files, sets)
    }
}

/// One record of a hash set as stored (digests lower-case hex).
public struct KnownHashRecord: Sendable, Equatable {
    public var md5: String?
    public var sha1: String?
    public var sha256: String?
    public var category: String?
    public var mediaID: String?
    public var note: String?

    public init(md5: String?, sha1: String?, sha256: String?, category: String?, mediaID: String?, note: String?) {
        self.md5 = md5; self.sha1 = sha1; self.sha256 = sha256
        self.category = category; self.mediaID = mediaID; self.note = note
    }
}

/// An imported hash set file.
public struct StoredHashSet: Sendable, Equatable {
    public var id: Int64
    public var collection: String
    public var sourcePath: String
    public var sha256: String
    /// `HashSetFormat` raw value: vics-1.2, vics-1.3, vics-2.0, icse-csv, csv.
    public var format: String
    public var records: Int
    public var importedAt: Date
    /// True when it replaced an earlier import of the same source.
    public var replaced: Bool = false

    public init(id: Int64, collection: String, sourcePath: String, sha256: String, format: String, records: Int, importedAt: Date,
                replaced: Bool = false) {
        self.id = id; self.collection = collection; self.sourcePath = sourcePath; self.sha256 = sha256; self.format = format
        self.records = records; self.importedAt = importedAt; self.replaced = replaced
    }
}

/// An evidence file whose digest is in a hash set.
public struct KnownFileHit: Sendable, Equatable {
    public var file: StoredFile
    public var hashSet: StoredHashSet
    /// Which digest matched: md5, sha1 or sha256 (the strongest of those that did).
    public var matchedBy: String
    public var record: KnownHashRecord

    public init(file: StoredFile, hashSet: StoredHashSet, matchedBy: String, record: KnownHashRecord) {
        self.file = file; self.hashSet = hashSet; self.matchedBy = matchedBy; self.record = record
    }
}

extension AuditEvent {
    public static let importStarted = "import-started"
    public static let hashesImported = "hashes-imported"
    public static let hashSetImported = "hash-set-imported"
}
