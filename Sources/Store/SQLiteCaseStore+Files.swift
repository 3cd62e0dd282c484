import Foundation
import GRDB
import KeyprintModel

extension SQLiteCaseStore {
    public func files(collection: String?) async throws -> [StoredFile] {
        try await guarded {
            try await self.pool.read { db in
                if let collection {
                    return try Row.fetchAll(db, sql: "SELECT * FROM files WHERE collection = ? ORDER BY relative_path",
                                            arguments: [collection]).map { try Self.storedFile($0) }
                }
                return try Row.fetchAll(db, sql: "SELECT * FROM files ORDER BY collection, relative_path").map { try Self.storedFile($0) }
            }
        }
    }

    public func file(id: Int64) async throws -> StoredFile? {
        try await guarded { try await self.pool.read { db in try Row.fetchOne(db, sql: "SELECT * FROM files WHERE id = ?", arguments: [id]).map { try Self.storedFile($0) } } }
    }

    public func markPending(collection: String, root: String, files: [(relativePath: String, stamp: FileStamp?)], scanID: Int64) async throws -> [Int64] {
        if files.isEmpty { return [] }
        return try await guarded {
            try await self.pool.write { db in
                let now = Date()
                var ids: [Int64] = []
                ids.reserveCapacity(files.count)
                for (relativePath, stamp) in files {
                    if let id = try Int64.fetchOne(db, sql: "SELECT id FROM files WHERE collection = ? AND relative_path = ?",
                                                   arguments: [collection, relativePath]) {
                        try db.execute(sql: """
                            UPDATE files SET state = 'pending', root = ?, size = ?, mtime_ns = ?, scan_id = ?, updated_at = ? WHERE id = ?
                            """, arguments: [root, stamp?.size, stamp?.mtimeNanoseconds, scanID, now, id])
                        try Self.appendAudit(db, scanID: scanID, event: AuditEvent.fileChanged, fileID: id,
                                             detail: "queued again: changed, or not finished, since it was last processed", time: now)
                        ids.append(id)
                    } else {
                        try db.execute(sql: """
                            INSERT INTO files (collection, root, relative_path, state, size, mtime_ns, scan_id, updated_at)
                            VALUES (?, ?, ?, 'pending', ?, ?, ?, ?)
                            """, arguments: [collection, root, relativePath, stamp?.size, stamp?.mtimeNanoseconds, scanID, now])
                        ids.append(db.lastInsertedRowID)
                    }
                }
                return ids
            }
        }
    }

    public func markRunning(fileID: Int64) async throws {
        try await guarded {
            try await self.pool.write { db in
                try db.execute(sql: "UPDATE files SET state = 'running', updated_at = ? WHERE id = ?", arguments: [Date(), fileID])
            }
        }
    }

    @discardableResult
    public func recoverRunning(collection: String, scanID: Int64) async throws -> Int {
        try await guarded {
            try await self.pool.write { db in
                try db.execute(sql: "UPDATE files SET state = 'pending', updated_at = ? WHERE collection = ? AND state = 'running'",
                               arguments: [Date(), collection])
                let count = db.changesCount
                if count > 0 {
                    try Self.appendAudit(db, scanID: scanID, event: AuditEvent.filesRecovered, fileID: nil,
                                         detail: "\(count) file(s) left running by an earlier run set back to pending", time: Date())
                }
                return count
            }
        }
    }

    public func commit(_ outcome: FileOutcome, scanID: Int64) async throws {
        try await guarded {
            try await self.pool.write { db in
                let now = Date()
                let media = outcome.media
                try db.execute(sql: """
                    UPDATE files SET state = ?, error = ?, size = ?, mtime_ns = ?, md5 = ?, sha1 = ?, sha256 = ?, hashed_at = ?,
                        hashing_key = ?, container = ?, codec = ?, width = ?, height = ?, display_width = ?, display_height = ?,
                        rotation = ?, duration_s = ?, creation_time = ?, is_still_image = ?, frame_count = ?, decoded_frames = ?,
                        processing_s = ?, retry = ?, scan_id = ?, updated_at = ?, warning = ?
                    WHERE id = ?
                    """, arguments: [
                        outcome.state.rawValue, outcome.error, outcome.size, outcome.mtimeNanoseconds,
                        outcome.digests?.md5, outcome.digests?.sha1, outcome.digests?.sha256, outcome.hashedAt,
                        outcome.hashingKey, media?.container, media?.codec, media?.width, media?.height,
                        media?.displayWidth, media?.displayHeight, media?.rotation, media?.duration, media?.creationTime,
                        media?.isStillImage, outcome.frames.count, outcome.decodedFrames, outcome.processingSeconds,
                        outcome.state == .failed ? outcome.retry.storageKey : nil, scanID, now,
                        outcome.warnings.isEmpty ? nil : outcome.warnings.joined(separator: "; "), outcome.fileID,
                    ])
                guard db.changesCount == 1 else { throw StoreError.unknownFile(id: outcome.fileID) }
                try Self.replaceRows(db, of: .frames, fileID: outcome.fileID, with: outcome.frames)
                try Self.replaceRegion(db, of: outcome)
                var detail = "\(outcome.state.rawValue) in \(String(format: "%.3f", outcome.processingSeconds)) s"
                if outcome.state == .done { detail += ", \(outcome.frames.count) frame(s)" }
                if let error = outcome.error { detail += ": \(error)" }
                if !outcome.warnings.isEmpty { detail += " (warning: \(outcome.warnings.joined(separator: "; ")))" }
                try Self.appendAudit(db, scanID: scanID, event: AuditEvent.forState(outcome.state), fileID: outcome.fileID,
                                     detail: detail, time: now)
            }
        }
    }

    public func markVerified(fileID: Int64, hashedAt: Date) async throws {
        try await guarded {
            try await self.pool.write { db in
                try db.execute(sql: "UPDATE files SET hashed_at = ? WHERE id = ?", arguments: [hashedAt, fileID])
            }
        }
    }

    public func stateCounts() async throws -> [StateCount] {
        try await guarded {
            try await self.pool.read { db in
                try Row.fetchAll(db, sql: "SELECT collection, state, count(*) AS n FROM files GROUP BY collection, state ORDER BY collection, state")
                    .map { row in
                        let state: String = try row.decode(forColumn: "state")
                        return StateCount(collection: try row.decode(forColumn: "collection"), state: try FileState(rawValue: state).orCorrupt(table: "files", column: "state", state), count: try row.decode(forColumn: "n"))
                    }
            }
        }
    }

    static func storedFile(_ row: Row) throws -> StoredFile {
        let state: String = try row.decode(forColumn: "state")
        var digests: CustodyDigests? = nil
        if let md5: String = try row.decode(forColumn: "md5"), let sha1: String = try row.decode(forColumn: "sha1"), let sha256: String = try row.decode(forColumn: "sha256") {
            digests = CustodyDigests(md5: md5, sha1: sha1, sha256: sha256)
        }
        var media: StoredMediaFacts? = nil
        if let container: String = try row.decode(forColumn: "container"), let codec: String = try row.decode(forColumn: "codec") {
            let still: Bool? = try row.decode(forColumn: "is_still_image")
            media = StoredMediaFacts(container: container, codec: codec, width: try row.decode(forColumn: "width") ?? 0, height: try row.decode(forColumn: "height") ?? 0,
                                     displayWidth: try row.decode(forColumn: "display_width") ?? 0, displayHeight: try row.decode(forColumn: "display_height") ?? 0,
                                     rotation: try row.decode(forColumn: "rotation") ?? 0, duration: try row.decode(forColumn: "duration_s"), creationTime: try row.decode(forColumn: "creation_time"),
                                     isStillImage: still ?? false)
        }
        let retryKey: String? = try row.decode(forColumn: "retry")
        var file = StoredFile(id: try row.decode(forColumn: "id"), collection: try row.decode(forColumn: "collection"), root: try row.decode(forColumn: "root"), relativePath: try row.decode(forColumn: "relative_path"),
                          state: try FileState(rawValue: state).orCorrupt(table: "files", column: "state", state), error: try row.decode(forColumn: "error"), size: try row.decode(forColumn: "size"),
                          mtimeNanoseconds: try row.decode(forColumn: "mtime_ns"), digests: digests, hashedAt: try row.decode(forColumn: "hashed_at"),
                          hashingKey: try row.decode(forColumn: "hashing_key"), media: media, frameCount: try row.decode(forColumn: "frame_count"),
                          decodedFrames: try row.decode(forColumn: "decoded_frames"), processingSeconds: try row.decode(forColumn: "processing_s"), updatedAt: try row.decode(forColumn: "updated_at"),
                          warning: try row.decode(forColumn: "warning"))
        file.retry = try FailureRetry(storageKey: retryKey).orCorrupt(table: "files", column: "retry", retryKey ?? "")
        if let format: String = try row.decode(forColumn: "imported_format") {
            let role: String? = try row.decode(forColumn: "import_role")
            file.importedFrom = ImportedSource(format: format, sha256: try row.decode(forColumn: "imported_sha256") ?? "",
                                               role: try ImportRole(rawValue: role ?? "reference").orCorrupt(table: "files", column: "import_role", role ?? ""))
        }
        return file
    }
}
