import Foundation
import GRDB
import KeyprintModel

extension SQLiteCaseStore: KnownMaterialStore {
    public func importItems(collection: String, commandLine: String,
                            _ produce: @escaping @Sendable (_ add: (ImportedItem) throws -> Void) throws -> Void) async throws -> ImportSummary {
        try await guarded {
            try await self.pool.write { db in
                let now = Date()
                let scanned = try Int.fetchOne(db, sql: "SELECT count(*) FROM files WHERE collection = ? AND imported_format IS NULL",
                                               arguments: [collection]) ?? 0
                if scanned > 0 { throw KnownMaterialError.collectionHoldsScannedFiles(collection) }
                try Self.appendAudit(db, scanID: nil, event: AuditEvent.importStarted, fileID: nil,
                                     detail: "into collection \(collection): \(commandLine)", time: now)
                var summary = ImportSummary(collection: collection, items: 0, replaced: 0, frames: 0)
                var seen = Set<String>()
                try produce { item in
                    guard seen.insert(item.relativePath).inserted else {
                        throw KnownMaterialError.duplicateItem(collection: collection, name: item.relativePath)
                    }
                    let duration = item.frames.last.map(\.timestamp)
                    let id: Int64
                    var replaced = false
                    if let existing = try Int64.fetchOne(db, sql: "SELECT id FROM files WHERE collection = ? AND relative_path = ?",
                                                         arguments: [collection, item.relativePath]) {
                        id = existing
                        replaced = true
                        try db.execute(sql: """
                            UPDATE files SET root = ?, state = 'done', error = NULL, warning = NULL, frame_count = ?, duration_s = ?,
                                imported_format = ?, imported_sha256 = ?, import_role = ?, hashed_at = ?, updated_at = ? WHERE id = ?
                            """, arguments: [item.root, item.frames.count, duration, item.source.format, item.source.sha256,
                                             item.source.role.rawValue, now, now, id])
                        try db.execute(sql: "DELETE FROM region_frames WHERE file_id = ?", arguments: [id])
                        try db.execute(sql: "DELETE FROM picture_frames WHERE file_id = ?", arguments: [id])
                        try db.execute(sql: "DELETE FROM shot_regions WHERE file_id = ?", arguments: [id])
                    } else {
                        try db.execute(sql: """
                            INSERT INTO files (collection, root, relative_path, state, frame_count, duration_s, imported_format,
                                imported_sha256, import_role, hashed_at, updated_at)
                            VALUES (?, ?, ?, 'done', ?, ?, ?, ?, ?, ?, ?)
                            """, arguments: [collection, item.root, item.relativePath, item.frames.count, duration,
                                             item.source.format, item.source.sha256, item.source.role.rawValue, now, now])
                        id = db.lastInsertedRowID
                    }
                    try db.execute(sql: "DELETE FROM frames WHERE file_id = ?", arguments: [id])
                    try db.execute(sql: "DELETE FROM dihedral_frames WHERE file_id = ?", arguments: [id])
                    try Self.insertFrames(db, fileID: id, item.frames)
                    let path = item.root.hasSuffix("/") ? item.root + item.relativePath : item.root + "/" + item.relativePath
                    try Self.appendAudit(db, scanID: nil, event: AuditEvent.hashesImported, fileID: id,
                                         detail: "\(item.frames.count) frame hash(es) from \(path) (\(item.source.format), sha256 \(item.source.sha256)"
                                             + (item.source.role == .ignore ? ", ignore list" : "") + ")"
                                             + (replaced ? ", replacing the earlier import" : ""), time: now)
                    summary.items += 1
                    summary.frames += item.frames.count
                    if replaced { summary.replaced += 1 }
                }
                return summary
            }
        }
    }
}

extension SQLiteCaseStore {
    /// Inside a write transaction: inserts an imported item's frames (`BulkInsert`: the same
    /// rows `replaceRows` writes, without GRDB's per-row argument boxing).
    static func insertFrames(_ db: Database, fileID: Int64, _ frames: [FrameHash]) throws {
        let insert = try BulkInsert(db, sql: """
            INSERT INTO frames (file_id, frame_index, timestamp_s, quality, hash, mirror_hash) VALUES (?, ?, ?, ?, ?, ?)
            """)
        defer { insert.finalize() }
        for frame in frames {
            insert.bind(1, fileID); insert.bind(2, Int64(frame.index)); insert.bind(3, frame.timestamp)
            insert.bind(4, Int64(frame.quality)); insert.bind(5, frame.hash); insert.bind(6, frame.mirrorHash)
            try insert.step()
        }
    }

    /// The writer's page cache while an import runs (SQLite's default is 2 MiB): a million
    /// random digests go into three indexes, whose pages would otherwise be written to the WAL
    /// and read back again and again. Bounded, so an import's memory stays bounded.
    static let importCacheKiB = 65_536

    public func importHashSet(collection: String, sourcePath: String, commandLine: String, expectedRecords: Int,
                              _ produce: @escaping @Sendable (_ add: (KnownHashRecord) throws -> Void) throws -> (format: String, sha256: String)) async throws -> StoredHashSet {
        try await guarded {
            try await self.pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA cache_size = -\(Self.importCacheKiB)") }
            do {
                let set = try await self.importHashSetRows(collection: collection, sourcePath: sourcePath, commandLine: commandLine,
                                                           expectedRecords: expectedRecords, produce)
                try await self.pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA cache_size = -2000") }
                return set
            } catch {
                try? await self.pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA cache_size = -2000") }
                throw error
            }
        }
    }

    private func importHashSetRows(collection: String, sourcePath: String, commandLine: String, expectedRecords: Int,
                                   _ produce: @escaping @Sendable (_ add: (KnownHashRecord) throws -> Void) throws -> (format: String, sha256: String)) async throws -> StoredHashSet {
        do {
            return try await self.pool.write { db in
                let now = Date()
                let replaced = try Int64.fetchOne(db, sql: "SELECT id FROM hash_sets WHERE collection = ? AND source_path = ?",
                                                  arguments: [collection, sourcePath]) != nil
                // Random digests inserted one by one into three B-tree indexes cost most of an
                // import (each insert a search through pages that no cache holds). When the set
                // is large next to what the table holds, the indexes are dropped and built again
                // by sorting, in this same transaction (a failure or a kill restores them).
                let rebuild = try Self.rebuildsDigestIndexes(db, expectedRecords: expectedRecords)
                if rebuild {
                    for index in Self.digestIndexes { try db.execute(sql: "DROP INDEX IF EXISTS \(index.name)") }
                }
                // The set's rows go with it (ON DELETE CASCADE).
                try db.execute(sql: "DELETE FROM hash_sets WHERE collection = ? AND source_path = ?", arguments: [collection, sourcePath])
                try db.execute(sql: """
                    INSERT INTO hash_sets (collection, source_path, source_sha256, format, records, imported_at) VALUES (?, ?, '', '', 0, ?)
                    """, arguments: [collection, sourcePath, now])
                let setID = db.lastInsertedRowID
                let insert = try BulkInsert(db, sql: """
                    INSERT INTO known_hashes (set_id, md5, sha1, sha256, category, media_id, note) VALUES (?, ?, ?, ?, ?, ?, ?)
                    """)
                defer { insert.finalize() }
                var records = 0
                let source = try produce { r in
                    insert.bind(1, setID); insert.bind(2, r.md5); insert.bind(3, r.sha1); insert.bind(4, r.sha256)
                    insert.bind(5, r.category); insert.bind(6, r.mediaID); insert.bind(7, r.note)
                    try insert.step()
                    records += 1
                }
                if rebuild {
                    for index in Self.digestIndexes { try db.execute(sql: index.create) }
                }
                try db.execute(sql: "UPDATE hash_sets SET source_sha256 = ?, format = ?, records = ? WHERE id = ?",
                               arguments: [source.sha256, source.format, records, setID])
                try Self.appendAudit(db, scanID: nil, event: AuditEvent.hashSetImported, fileID: nil,
                                     detail: "\(records) record(s) into hash-set collection \(collection) from \(sourcePath) (\(source.format), sha256 \(source.sha256))"
                                         + (replaced ? ", replacing the earlier import" : "") + ": \(commandLine)", time: now)
                return StoredHashSet(id: setID, collection: collection, sourcePath: sourcePath, sha256: source.sha256, format: source.format,
                                     records: records, importedAt: now, replaced: replaced)
            }
        }
    }

    /// The digest indexes of `known_hashes`, as migration v11-hash-sets made them.
    static let digestIndexes: [(name: String, create: String)] = ["md5", "sha1", "sha256"].map { column in
        ("known_hashes_\(column)", "CREATE INDEX known_hashes_\(column) ON known_hashes(\(column)) WHERE \(column) IS NOT NULL")
    }

    /// Whether building the digest indexes again costs less than inserting into them: sorting
    /// touches every row of the table once, inserting costs several times that per new row, so
    /// a rebuild pays when the table holds no more than twice the rows expected.
    static func rebuildsDigestIndexes(_ db: Database, expectedRecords: Int) throws -> Bool {
        guard expectedRecords >= 10_000 else { return false }
        let held = try Int.fetchOne(db, sql: "SELECT coalesce(max(id) - min(id) + 1, 0) FROM known_hashes") ?? 0
        return held <= 2 * expectedRecords
    }

    public func hashSets() async throws -> [StoredHashSet] {
        try await guarded {
            try await self.pool.read { db in
                // A database from before v11-hash-sets opened read-only (status, export) has none.
                guard try db.tableExists("hash_sets") else { return [] }
                return try Row.fetchAll(db, sql: "SELECT * FROM hash_sets ORDER BY collection, source_path").map(Self.storedHashSet)
            }
        }
    }

    static func storedHashSet(_ row: Row) throws -> StoredHashSet {
        StoredHashSet(id: try row.decode(forColumn: "id"), collection: try row.decode(forColumn: "collection"),
                      sourcePath: try row.decode(forColumn: "source_path"), sha256: try row.decode(forColumn: "source_sha256"),
                      format: try row.decode(forColumn: "format"), records: try row.decode(forColumn: "records"),
                      importedAt: try row.decode(forColumn: "imported_at"))
    }

    public func knownFileHits() async throws -> [KnownFileHit] {
        guard let (files, sets) = try await hitInputs() else { return [] }
        let pairs: [(fileID: Int64, matchedBy: String, record: KnownHashRecord, setID: Int64, recordID: Int64)] = try await guarded {
            try await self.pool.read { db in
                var out: [(Int64, String, KnownHashRecord, Int64, Int64)] = []
                var seen = Set<[Int64]>()
                // Strongest digest first: a record matched by SHA-256 and MD5 is reported once, as SHA-256.
                for algorithm in ["sha256", "sha1", "md5"] {
                    let rows = try Row.fetchCursor(db, sql: """
                        SELECT f.id AS file_id, k.id AS record_id, k.set_id, k.md5, k.sha1, k.sha256, k.category, k.media_id, k.note
                        FROM files f JOIN known_hashes k ON k.\(algorithm) = f.\(algorithm)
                        WHERE f.state = 'done' AND f.imported_format IS NULL
                        """)
                    while let row = try rows.next() {
                        let fileID: Int64 = try row.decode(forColumn: "file_id"), recordID: Int64 = try row.decode(forColumn: "record_id")
                        guard seen.insert([fileID, recordID]).inserted else { continue }
                        let record = KnownHashRecord(md5: try row.decode(forColumn: "md5"), sha1: try row.decode(forColumn: "sha1"),
                                                     sha256: try row.decode(forColumn: "sha256"), category: try row.decode(forColumn: "category"),
                                                     mediaID: try row.decode(forColumn: "media_id"), note: try row.decode(forColumn: "note"))
                        out.append((fileID, algorithm, record, try row.decode(forColumn: "set_id"), recordID))
                    }
                }
                return out
            }
        }
        return pairs.compactMap { p in
            guard let file = files[p.fileID], let set = sets[p.setID] else { return nil }
            return KnownFileHit(file: file, hashSet: set, matchedBy: p.matchedBy, record: p.record)
        }.sorted { ($0.file.path, $0.hashSet.collection, $0.hashSet.sourcePath) < ($1.file.path, $1.hashSet.collection, $1.hashSet.sourcePath) }
    }
}
