import Foundation
import KeyprintModel
import KeyprintStore
import PostgresNIO

extension PostgresCaseStore {
    public func files(collection: String?) async throws -> [StoredFile] {
        try await read { c, l in
            let rows: [PostgresRow]
            if let collection {
                rows = try await c.query("SELECT * FROM files WHERE collection = \(collection) ORDER BY relative_path COLLATE \"C\"", logger: l).collect()
            } else {
                rows = try await c.query("SELECT * FROM files ORDER BY collection COLLATE \"C\", relative_path COLLATE \"C\"", logger: l).collect()
            }
            return try rows.map { try Self.storedFile($0) }
        }
    }

    public func file(id: Int64) async throws -> StoredFile? {
        try await read { c, l in try await c.query("SELECT * FROM files WHERE id = \(id)", logger: l).collect().first.map { try Self.storedFile($0) } }
    }

    public func markPending(collection: String, root: String, files: [(relativePath: String, stamp: FileStamp?)], scanID: Int64) async throws -> [Int64] {
        if files.isEmpty { return [] }
        let list = files.map { (path: $0.relativePath, size: $0.stamp?.size, mtime: $0.stamp?.mtimeNanoseconds) }
        return try await write { c, l in
            let now = Date()
            // The rows that exist already, in one statement; the others are inserted in bulk.
            let paths = Array(Set(list.map(\.path)))
            var known: [String: Int64] = [:]
            for row in try await c.query("""
                SELECT relative_path, id FROM files WHERE collection = \(collection) AND relative_path = ANY(\(paths))
                """, logger: l).collect() {
                let (path, id) = try row.decode((String, Int64).self)
                known[path] = id
            }
            var ids: [Int64] = []
            ids.reserveCapacity(list.count)
            for file in list {
                if let id = known[file.path] {
                    try await c.query("""
                        UPDATE files SET state = 'pending', root = \(root), size = \(file.size), mtime_ns = \(file.mtime), scan_id = \(scanID),
                            updated_at = \(now) WHERE id = \(id)
                        """, logger: l)
                    try await Self.appendAudit(c, l, scanID: scanID, event: AuditEvent.fileChanged, fileID: id,
                                               detail: "queued again: changed, or not finished, since it was last processed", time: now)
                    ids.append(id)
                } else {
                    let id = try await c.query("""
                        INSERT INTO files (collection, root, relative_path, state, size, mtime_ns, scan_id, updated_at)
                        VALUES (\(collection), \(root), \(file.path), 'pending', \(file.size), \(file.mtime), \(scanID), \(now)) RETURNING id
                        """, logger: l).collect().first!.decode(Int64.self)
                    known[file.path] = id
                    ids.append(id)
                }
            }
            return ids
        }
    }

    public func markRunning(fileID: Int64) async throws {
        try await write { c, l in
            _ = try await c.query("UPDATE files SET state = 'running', updated_at = \(Date()) WHERE id = \(fileID)", logger: l)
        }
    }

    @discardableResult
    public func recoverRunning(collection: String, scanID: Int64) async throws -> Int {
        try await write { c, l in
            let now = Date()
            let count = try await c.query("""
                WITH changed AS (UPDATE files SET state = 'pending', updated_at = \(now) WHERE collection = \(collection) AND state = 'running' RETURNING 1)
                SELECT count(*) FROM changed
                """, logger: l).collect().first!.decode(Int.self)
            if count > 0 {
                try await Self.appendAudit(c, l, scanID: scanID, event: AuditEvent.filesRecovered, fileID: nil,
                                           detail: "\(count) file(s) left running by an earlier run set back to pending", time: now)
            }
            return count
        }
    }

    public func commit(_ outcome: FileOutcome, scanID: Int64) async throws {
        try await write { c, l in
            try await Self.commit(outcome, scanID: scanID, c, l)
        }
    }

    /// Inside a transaction: the file's row, its hash rows (replaced) and its audit line.
    static func commit(_ outcome: FileOutcome, scanID: Int64, _ c: PostgresConnection, _ l: Logger) async throws {
        let now = Date()
        let media = outcome.media
        let retry = outcome.state == .failed ? outcome.retry.storageKey : nil
        let warning = outcome.warnings.isEmpty ? nil : outcome.warnings.joined(separator: "; ")
        let updated = try await c.query("""
            UPDATE files SET state = \(outcome.state.rawValue), error = \(outcome.error), size = \(outcome.size), mtime_ns = \(outcome.mtimeNanoseconds),
                md5 = \(outcome.digests?.md5), sha1 = \(outcome.digests?.sha1), sha256 = \(outcome.digests?.sha256), hashed_at = \(outcome.hashedAt),
                hashing_key = \(outcome.hashingKey), container = \(media?.container), codec = \(media?.codec), width = \(media?.width),
                height = \(media?.height), display_width = \(media?.displayWidth), display_height = \(media?.displayHeight),
                rotation = \(media?.rotation), duration_s = \(media?.duration), creation_time = \(media?.creationTime),
                is_still_image = \(media?.isStillImage), frame_count = \(outcome.frames.count), decoded_frames = \(outcome.decodedFrames),
                processing_s = \(outcome.processingSeconds), retry = \(retry), scan_id = \(scanID), updated_at = \(now), warning = \(warning)
            WHERE id = \(outcome.fileID) RETURNING id
            """, logger: l).collect()
        guard updated.count == 1 else { throw StoreError.unknownFile(id: outcome.fileID) }
        let hasShots = !outcome.shots.isEmpty
        try await replaceRows(c, l, table: .frames, fileID: outcome.fileID, with: outcome.frames)
        try await replaceRows(c, l, table: .regionFrames, fileID: outcome.fileID, with: hasShots ? outcome.regionFrames : [])
        try await replaceRows(c, l, table: .pictureFrames, fileID: outcome.fileID, with: hasShots ? outcome.pictureFrames : [])
        try await c.query("DELETE FROM shot_regions WHERE file_id = \(outcome.fileID)", logger: l)
        if hasShots {
            let shots = outcome.shots
            try await c.query("""
                INSERT INTO shot_regions (file_id, start_s, x, y, width, height, detector, detector_version)
                SELECT \(outcome.fileID), s, CASE WHEN r THEN x END, CASE WHEN r THEN y END, CASE WHEN r THEN w END, CASE WHEN r THEN h END,
                    \(outcome.regionDetector), \(outcome.regionDetectorVersion)
                FROM unnest(\(shots.map(\.startTime))::float8[], \(shots.map { $0.region != nil })::bool[], \(shots.map { $0.region?.x ?? 0 })::float8[],
                            \(shots.map { $0.region?.y ?? 0 })::float8[], \(shots.map { $0.region?.width ?? 0 })::float8[],
                            \(shots.map { $0.region?.height ?? 0 })::float8[]) AS t(s, r, x, y, w, h)
                """, logger: l)
        }
        var detail = "\(outcome.state.rawValue) in \(String(format: "%.3f", outcome.processingSeconds)) s"
        if outcome.state == .done { detail += ", \(outcome.frames.count) frame(s)" }
        if let error = outcome.error { detail += ": \(error)" }
        if !outcome.warnings.isEmpty { detail += " (warning: \(outcome.warnings.joined(separator: "; ")))" }
        try await appendAudit(c, l, scanID: scanID, event: AuditEvent.forState(outcome.state), fileID: outcome.fileID, detail: detail, time: now)
    }

    public func markVerified(fileID: Int64, hashedAt: Date) async throws {
        try await write { c, l in _ = try await c.query("UPDATE files SET hashed_at = \(hashedAt) WHERE id = \(fileID)", logger: l) }
    }

    public func stateCounts() async throws -> [StateCount] {
        try await read { c, l in
            try await c.query("""
                SELECT collection, state, count(*) FROM files GROUP BY collection, state ORDER BY collection COLLATE "C", state COLLATE "C"
                """, logger: l).collect().map { row in
                let (collection, stateText, count) = try row.decode((String, String, Int).self)
                guard let state = FileState(rawValue: stateText) else { throw Self.corrupt("files", "state", stateText) }
                return StateCount(collection: collection, state: state, count: count)
            }
        }
    }

    static func storedFile(_ row: PostgresRow) throws -> StoredFile {
        let r = row.makeRandomAccess()
        let stateText: String = try r.value("state")
        guard let state = FileState(rawValue: stateText) else { throw corrupt("files", "state", stateText) }
        var digests: CustodyDigests?
        if let md5: String = try r.value("md5"), let sha1: String = try r.value("sha1"), let sha256: String = try r.value("sha256") {
            digests = CustodyDigests(md5: md5, sha1: sha1, sha256: sha256)
        }
        var media: StoredMediaFacts?
        if let container: String = try r.value("container"), let codec: String = try r.value("codec") {
            media = StoredMediaFacts(container: container, codec: codec, width: try r.value("width", as: Int?.self) ?? 0,
                                     height: try r.value("height", as: Int?.self) ?? 0, displayWidth: try r.value("display_width", as: Int?.self) ?? 0,
                                     displayHeight: try r.value("display_height", as: Int?.self) ?? 0, rotation: try r.value("rotation", as: Int?.self) ?? 0,
                                     duration: try r.value("duration_s"), creationTime: try r.value("creation_time"),
                                     isStillImage: try r.value("is_still_image", as: Bool?.self) ?? false)
        }
        let retryKey: String? = try r.value("retry")
        var file = StoredFile(id: try r.value("id"), collection: try r.value("collection"), root: try r.value("root"),
                              relativePath: try r.value("relative_path"), state: state, error: try r.value("error"), size: try r.value("size"),
                              mtimeNanoseconds: try r.value("mtime_ns"), digests: digests, hashedAt: try r.value("hashed_at"),
                              hashingKey: try r.value("hashing_key"), media: media, frameCount: try r.value("frame_count"),
                              decodedFrames: try r.value("decoded_frames"), processingSeconds: try r.value("processing_s"),
                              updatedAt: try r.value("updated_at"), warning: try r.value("warning"))
        guard let retry = FailureRetry(storageKey: retryKey) else { throw corrupt("files", "retry", retryKey ?? "") }
        file.retry = retry
        if let format: String = try r.value("imported_format") {
            let roleText: String = try r.value("import_role", as: String?.self) ?? ImportRole.reference.rawValue
            guard let role = ImportRole(rawValue: roleText) else { throw corrupt("files", "import_role", roleText) }
            file.importedFrom = ImportedSource(format: format, sha256: try r.value("imported_sha256", as: String?.self) ?? "", role: role)
        }
        return file
    }
}
