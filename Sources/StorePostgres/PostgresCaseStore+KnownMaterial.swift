import Foundation
import KeyprintModel
import KeyprintStore
import PostgresNIO

/// Known material on a PostgreSQL case (migration `pg6-known-material`), with the promises and
/// refusals of `SQLiteCaseStore`'s. Each import is one transaction on the store's connection;
/// its producer (synchronous: a parser) runs on a thread of its own and hands its values over
/// through a `ProducerPipe`, so that a hash set of a million records goes in as batches of
/// `hashSetBatch` rows (arrays bound in binary, unnested by the server) in bounded memory.
/// Two vPDQ imports into one collection from different machines take turns (a
/// transaction-level advisory lock on the collection's name), so the second replaces what the
/// first stored; hash-set imports take turns case-wide (`importHashSet` says why).
extension PostgresCaseStore: KnownMaterialStore {
    /// Records of a hash set inserted per statement (about 1.5 MB of arrays for VICS records).
    static let hashSetBatch = 10_000

    public func importItems(collection: String, commandLine: String,
                            _ produce: @escaping @Sendable (_ add: (ImportedItem) throws -> Void) throws -> Void) async throws -> ImportSummary {
        try await write { c, l in
            let now = Date()
            try await Self.lockImports(of: "files " + collection, c, l)
            let scanned = try await c.query("SELECT count(*) FROM files WHERE collection = \(collection) AND imported_format IS NULL", logger: l)
                .collect().first?.decode(Int.self) ?? 0
            if scanned > 0 { throw CallerError(KnownMaterialError.collectionHoldsScannedFiles(collection)) }
            try await Self.appendAudit(c, l, scanID: nil, event: AuditEvent.importStarted, fileID: nil,
                                       detail: "into collection \(collection): \(commandLine)", time: now)
            var summary = ImportSummary(collection: collection, items: 0, replaced: 0, frames: 0)
            var seen = Set<String>()
            // One item at a time: an item holds all of its hash file's frames.
            try await ProducerPipe.run(batchSize: 1, produce: Self.asCaller(produce)) { (items: [ImportedItem]) in
                for item in items {
                    guard seen.insert(item.relativePath).inserted else {
                        throw CallerError(KnownMaterialError.duplicateItem(collection: collection, name: item.relativePath))
                    }
                    let replaced = try await Self.storeItem(item, collection: collection, time: now, c, l)
                    summary.items += 1
                    summary.frames += item.frames.count
                    if replaced { summary.replaced += 1 }
                }
            }
            return summary
        }
    }

    /// Inside an import's transaction: one item as a done row of `files` (the row of the same
    /// name when there is one, keeping its id) with its frames; true when it replaced one.
    static func storeItem(_ item: ImportedItem, collection: String, time now: Date, _ c: PostgresConnection, _ l: Logger) async throws -> Bool {
        let duration = item.frames.last.map(\.timestamp)
        let source = item.source
        let id: Int64
        let replaced: Bool
        if let existing = try await c.query("""
            SELECT id FROM files WHERE collection = \(collection) AND relative_path = \(item.relativePath)
            """, logger: l).collect().first?.decode(Int64.self) {
            id = existing
            replaced = true
            try await c.query("""
                UPDATE files SET root = \(item.root), state = 'done', error = NULL, warning = NULL, frame_count = \(item.frames.count),
                    duration_s = \(duration), imported_format = \(source.format), imported_sha256 = \(source.sha256),
                    import_role = \(source.role.rawValue), hashed_at = \(now), updated_at = \(now) WHERE id = \(id)
                """, logger: l)
            try await c.query("DELETE FROM region_frames WHERE file_id = \(id)", logger: l)
            try await c.query("DELETE FROM picture_frames WHERE file_id = \(id)", logger: l)
            try await c.query("DELETE FROM shot_regions WHERE file_id = \(id)", logger: l)
        } else {
            id = try await c.query("""
                INSERT INTO files (collection, root, relative_path, state, frame_count, duration_s, imported_format, imported_sha256,
                    import_role, hashed_at, updated_at)
                VALUES (\(collection), \(item.root), \(item.relativePath), 'done', \(item.frames.count), \(duration), \(source.format),
                    \(source.sha256), \(source.role.rawValue), \(now), \(now)) RETURNING id
                """, logger: l).collect().first!.decode(Int64.self)
            replaced = false
        }
        try await c.query("DELETE FROM frames WHERE file_id = \(id)", logger: l)
        try await c.query("DELETE FROM dihedral_frames WHERE file_id = \(id)", logger: l)
        // A hash file's frames only: as on SQLite, an imported item has no turned hashes.
        try await insertRows(c, l, table: .frames, fileID: id, item.frames)
        let path = item.root.hasSuffix("/") ? item.root + item.relativePath : item.root + "/" + item.relativePath
        try await appendAudit(c, l, scanID: nil, event: AuditEvent.hashesImported, fileID: id,
                              detail: "\(item.frames.count) frame hash(es) from \(path) (\(source.format), sha256 \(source.sha256)"
                                  + (source.role == .ignore ? ", ignore list" : "") + ")"
                                  + (replaced ? ", replacing the earlier import" : ""), time: now)
        return replaced
    }

    public func importHashSet(collection: String, sourcePath: String, commandLine: String, expectedRecords: Int,
                              _ produce: @escaping @Sendable (_ add: (KnownHashRecord) throws -> Void) throws -> (format: String, sha256: String)) async throws -> StoredHashSet {
        try await write { c, l in
            let now = Date()
            // Every hash-set import of the case, not only this collection's: two that rebuilt
            // the indexes at once would each hold the table (reading it for the rule below)
            // while waiting for the other to let go of it to drop them: a deadlock.
            try await Self.lockImports(of: "hash sets", c, l)
            // Random digests inserted one by one into three B-tree indexes cost most of a large
            // import (five times the rest on a million records). When the set is large next to
            // what the table holds, the indexes are dropped and built again by sorting, in this
            // same transaction (a failure, a kill or a lost connection restores them). Until it
            // commits, other sessions' reads of `known_hashes` (known-file hits) wait for it.
            let rebuild = try await Self.rebuildsDigestIndexes(c, l, expectedRecords: expectedRecords)
            if rebuild {
                for index in PostgresSchema.digestIndexes {
                    try await c.query(PostgresQuery(unsafeSQL: "DROP INDEX IF EXISTS \(index.name)"), logger: l)
                }
            }
            // The set's records go with it (ON DELETE CASCADE).
            let replaced = try await c.query("""
                DELETE FROM hash_sets WHERE collection = \(collection) AND source_path = \(sourcePath) RETURNING id
                """, logger: l).collect().count > 0
            let setID = try await c.query("""
                INSERT INTO hash_sets (collection, source_path, source_sha256, format, records, imported_at)
                VALUES (\(collection), \(sourcePath), '', '', 0, \(now)) RETURNING id
                """, logger: l).collect().first!.decode(Int64.self)
            var records = 0
            let source = try await ProducerPipe.run(batchSize: Self.hashSetBatch, produce: Self.asCaller(produce)) { (batch: [KnownHashRecord]) in
                try await Self.insertKnownHashes(batch, setID: setID, c, l)
                records += batch.count
            }
            if rebuild {
                for index in PostgresSchema.digestIndexes { try await c.query(PostgresQuery(unsafeSQL: index.create), logger: l) }
            }
            try await c.query("""
                UPDATE hash_sets SET source_sha256 = \(source.sha256), format = \(source.format), records = \(records) WHERE id = \(setID)
                """, logger: l)
            try await Self.appendAudit(c, l, scanID: nil, event: AuditEvent.hashSetImported, fileID: nil,
                                       detail: "\(records) record(s) into hash-set collection \(collection) from \(sourcePath) (\(source.format), sha256 \(source.sha256))"
                                           + (replaced ? ", replacing the earlier import" : "") + ": \(commandLine)", time: now)
            return StoredHashSet(id: setID, collection: collection, sourcePath: sourcePath, sha256: source.sha256, format: source.format,
                                 records: records, importedAt: now, replaced: replaced)
        }
    }

    /// Whether building the digest indexes again costs less than inserting into them: the rule
    /// of `SQLiteCaseStore.rebuildsDigestIndexes` (at least 10,000 records expected, the table
    /// holding no more than twice that many).
    static func rebuildsDigestIndexes(_ c: PostgresConnection, _ l: Logger, expectedRecords: Int) async throws -> Bool {
        guard expectedRecords >= 10_000 else { return false }
        let held = try await c.query("SELECT coalesce(max(id) - min(id) + 1, 0) FROM known_hashes", logger: l)
            .collect().first?.decode(Int.self) ?? 0
        return held <= 2 * expectedRecords
    }

    /// Inside an import's transaction: a batch of a set's records, in file order, in one statement.
    static func insertKnownHashes(_ records: [KnownHashRecord], setID: Int64, _ c: PostgresConnection, _ l: Logger) async throws {
        var b = PostgresBindings(capacity: 7)
        b.append(setID)
        b.append(BinaryArray(text: records.map(\.md5)))
        b.append(BinaryArray(text: records.map(\.sha1)))
        b.append(BinaryArray(text: records.map(\.sha256)))
        b.append(BinaryArray(text: records.map(\.category)))
        b.append(BinaryArray(text: records.map(\.mediaID)))
        b.append(BinaryArray(text: records.map(\.note)))
        try await c.query(PostgresQuery(unsafeSQL: """
            INSERT INTO known_hashes (set_id, md5, sha1, sha256, category, media_id, note)
            SELECT $1, m, s1, s2, c, i, n
            FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[]) WITH ORDINALITY AS u(m, s1, s2, c, i, n, o)
            ORDER BY o
            """, binds: b), logger: l)
    }

    /// Inside a transaction: waits for any other import that took the same name to end.
    static func lockImports(of name: String, _ c: PostgresConnection, _ l: Logger) async throws {
        try await c.query("SELECT pg_advisory_xact_lock(hashtextextended(\("keyprint import into " + name), 0))", logger: l)
    }

    /// The producer's own errors (a parse error, an unreadable file) leave the store as they
    /// were thrown, as on SQLite; the pipe's `Closed` (the consumer failed first) stays as it is.
    static func asCaller<Element, Output>(_ produce: @escaping @Sendable (_ add: (Element) throws -> Void) throws -> Output)
        -> @Sendable (_ add: (Element) throws -> Void) throws -> Output {
        { add in
            do { return try produce(add) } catch let closed as ProducerPipe.Closed { throw closed } catch { throw CallerError(error) }
        }
    }

    public func hashSets() async throws -> [StoredHashSet] {
        try await read { c, l in
            try await c.query("""
                SELECT id, collection, source_path, source_sha256, format, records, imported_at FROM hash_sets
                ORDER BY collection COLLATE "C", source_path COLLATE "C"
                """, logger: l).collect().map { row in
                let (id, collection, path, sha256, format, records, importedAt) = try row.decode((Int64, String, String, String, String, Int, Date).self)
                return StoredHashSet(id: id, collection: collection, sourcePath: path, sha256: sha256, format: format, records: records,
                                     importedAt: importedAt)
            }
        }
    }

    public func knownFileHits() async throws -> [KnownFileHit] {
        guard let (files, sets) = try await hitInputs() else { return [] }
        let pairs: [(fileID: Int64, matchedBy: String, record: KnownHashRecord, setID: Int64)] = try await read { c, l in
            var out: [(Int64, String, KnownHashRecord, Int64)] = []
            var seen = Set<[Int64]>()
            // Strongest digest first: a record matched by SHA-256 and MD5 is reported once, as SHA-256.
            for algorithm in ["sha256", "sha1", "md5"] {
                let rows = try await c.query(PostgresQuery(unsafeSQL: """
                    SELECT f.id, k.id, k.set_id, k.md5, k.sha1, k.sha256, k.category, k.media_id, k.note
                    FROM files f JOIN known_hashes k ON k.\(algorithm) = f.\(algorithm) COLLATE "C"
                    WHERE f.state = 'done' AND f.imported_format IS NULL ORDER BY f.id, k.id
                    """), logger: l)
                for try await row in rows {
                    let (fileID, recordID, setID, md5, sha1, sha256, category, mediaID, note) =
                        try row.decode((Int64, Int64, Int64, String?, String?, String?, String?, String?, String?).self)
                    guard seen.insert([fileID, recordID]).inserted else { continue }
                    out.append((fileID, algorithm, KnownHashRecord(md5: md5, sha1: sha1, sha256: sha256, category: category, mediaID: mediaID, note: note),
                                setID))
                }
            }
            return out
        }
        return pairs.compactMap { p in
            guard let file = files[p.fileID], let set = sets[p.setID] else { return nil }
            return KnownFileHit(file: file, hashSet: set, matchedBy: p.matchedBy, record: p.record)
        }.sorted { ($0.file.path, $0.hashSet.collection, $0.hashSet.sourcePath) < ($1.file.path, $1.hashSet.collection, $1.hashSet.sourcePath) }
    }
}
