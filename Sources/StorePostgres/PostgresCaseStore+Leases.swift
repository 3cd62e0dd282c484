import Foundation
import KeyprintModel
import KeyprintStore
import PostgresNIO

/// Several scanners on one case: claims with `FOR UPDATE SKIP LOCKED`, leases timed on the
/// server's clock (machines' clocks may differ), guarded commits. A row's version is its
/// `xmin` (the transaction that last wrote it).
extension PostgresCaseStore: SharedScanStore {
    public func acquireSharedScanLock() async throws -> ScanLease {
        try await advisoryLock(shared: true)
    }

    public func registerWorker(_ worker: String, scanID: Int64) async throws {
        try await write { c, l in
            // A worker id is one process at a time: what an earlier process of the same id held is free.
            try await c.query("""
                UPDATE files SET state = 'pending', lease_worker = NULL, lease_expires = NULL, updated_at = \(Date())
                WHERE lease_worker = \(worker) AND state = 'running'
                """, logger: l)
            try await c.query("""
                INSERT INTO workers (id, scan_id, started_at, heartbeat_at) VALUES (\(worker), \(scanID), now(), now())
                ON CONFLICT (id) DO UPDATE SET scan_id = EXCLUDED.scan_id, started_at = now(), heartbeat_at = now(), ended_at = NULL
                """, logger: l)
        }
    }

    public func filesWithVersions(collection: String) async throws -> [(file: StoredFile, version: String)] {
        let rows = try await read { c, l in
            try await c.query("""
                SELECT *, xmin::text AS row_version FROM files WHERE collection = \(collection) ORDER BY relative_path COLLATE "C"
                """, logger: l).collect()
        }
        return try rows.map { row in (try Self.storedFile(row), try row.makeRandomAccess().value("row_version", as: String.self)) }
    }

    public func markPendingShared(collection: String, root: String, files: [WalkedFile], scanID: Int64) async throws -> [Int64?] {
        if files.isEmpty { return [] }
        return try await write { c, l in
            let now = Date()
            var ids: [Int64?] = []
            ids.reserveCapacity(files.count)
            for file in files {
                let size = file.stamp?.size, mtime = file.stamp?.mtimeNanoseconds
                if let version = file.seenVersion {
                    let id = try await c.query("""
                        UPDATE files SET state = 'pending', root = \(root), size = \(size), mtime_ns = \(mtime), scan_id = \(scanID),
                            updated_at = \(now), lease_worker = NULL, lease_expires = NULL
                        WHERE collection = \(collection) AND relative_path = \(file.relativePath) AND xmin::text = \(version)
                            AND NOT (state = 'running' AND lease_expires > now()) RETURNING id
                        """, logger: l).collect().first?.decode(Int64.self)
                    if let id {
                        try await Self.appendAudit(c, l, scanID: scanID, event: AuditEvent.fileChanged, fileID: id,
                                                   detail: "queued again: changed, or not finished, since it was last processed", time: now)
                    }
                    ids.append(id)
                } else {
                    ids.append(try await c.query("""
                        INSERT INTO files (collection, root, relative_path, state, size, mtime_ns, scan_id, updated_at)
                        VALUES (\(collection), \(root), \(file.relativePath), 'pending', \(size), \(mtime), \(scanID), \(now))
                        ON CONFLICT (collection, relative_path) DO NOTHING RETURNING id
                        """, logger: l).collect().first?.decode(Int64.self))
                }
            }
            return ids
        }
    }

    public func claim(fileID: Int64, worker: String, leaseSeconds: Double) async throws -> Bool {
        try await write { c, l in
            try await c.query("""
                UPDATE files SET state = 'running', lease_worker = \(worker), lease_expires = now() + make_interval(secs => \(leaseSeconds)),
                    updated_at = \(Date())
                WHERE id = \(fileID) AND (state = 'pending' OR (state = 'running' AND (lease_expires IS NULL OR lease_expires <= now())))
                RETURNING id
                """, logger: l).collect().count == 1
        }
    }

    public func claimNext(collection: String, worker: String, leaseSeconds: Double) async throws -> ClaimedFile? {
        try await write { c, l in
            guard let row = try await c.query("""
                WITH next AS (
                    SELECT id FROM files
                    WHERE collection = \(collection)
                        AND (state = 'pending' OR (state = 'running' AND (lease_expires IS NULL OR lease_expires <= now())))
                    ORDER BY relative_path COLLATE "C" LIMIT 1 FOR UPDATE SKIP LOCKED)
                UPDATE files f SET state = 'running', lease_worker = \(worker), lease_expires = now() + make_interval(secs => \(leaseSeconds)),
                    updated_at = \(Date())
                FROM next WHERE f.id = next.id
                RETURNING f.id, f.relative_path, f.size, f.mtime_ns
                """, logger: l).collect().first else { return nil }
            let (id, path, size, mtime) = try row.decode((Int64, String, Int64?, Int64?).self)
            return ClaimedFile(fileID: id, relativePath: path, stamp: FileStamp(size: size ?? 0, mtimeNanoseconds: mtime ?? 0))
        }
    }

    public func commit(_ outcome: FileOutcome, scanID: Int64, worker: String) async throws -> Bool {
        try await write { c, l in
            let held = try await c.query("""
                SELECT id FROM files WHERE id = \(outcome.fileID) AND state = 'running' AND lease_worker = \(worker) FOR UPDATE
                """, logger: l).collect().count == 1
            guard held else { return false }
            try await Self.commit(outcome, scanID: scanID, c, l)
            try await c.query("UPDATE files SET lease_worker = NULL, lease_expires = NULL WHERE id = \(outcome.fileID)", logger: l)
            return true
        }
    }

    public func heartbeat(worker: String, leaseSeconds: Double) async throws {
        try await write { c, l in
            try await c.query("""
                UPDATE files SET lease_expires = now() + make_interval(secs => \(leaseSeconds))
                WHERE lease_worker = \(worker) AND state = 'running'
                """, logger: l)
            try await c.query("UPDATE workers SET heartbeat_at = now() WHERE id = \(worker)", logger: l)
        }
    }

    public func releaseLeases(worker: String) async throws {
        try await write { c, l in
            try await c.query("""
                UPDATE files SET state = 'pending', lease_worker = NULL, lease_expires = NULL, updated_at = \(Date())
                WHERE lease_worker = \(worker) AND state = 'running'
                """, logger: l)
            try await c.query("UPDATE workers SET heartbeat_at = now(), ended_at = now() WHERE id = \(worker)", logger: l)
        }
    }

    public func liveLeases(collection: String, excluding worker: String) async throws -> Int {
        try await read { c, l in
            try await c.query("""
                SELECT count(*) FROM files WHERE collection = \(collection) AND state = 'running' AND lease_expires > now()
                    AND lease_worker IS DISTINCT FROM \(worker)
                """, logger: l).collect().first!.decode(Int.self)
        }
    }

    public func workers() async throws -> [WorkerStatus] {
        try await read { c, l in
            var holding: [String: [String]] = [:]
            for row in try await c.query("""
                SELECT lease_worker, relative_path FROM files WHERE state = 'running' AND lease_expires > now() AND lease_worker IS NOT NULL
                ORDER BY relative_path COLLATE "C"
                """, logger: l).collect() {
                let (worker, path) = try row.decode((String, String).self)
                holding[worker, default: []].append(path)
            }
            return try await c.query("SELECT id, scan_id, started_at, heartbeat_at, ended_at FROM workers ORDER BY id COLLATE \"C\"", logger: l)
                .collect().map { row in
                    let (id, scanID, started, beat, ended) = try row.decode((String, Int64?, Date, Date, Date?).self)
                    return WorkerStatus(id: id, scanID: scanID, startedAt: started, heartbeatAt: beat, endedAt: ended, holding: holding[id] ?? [])
                }
        }
    }
}
