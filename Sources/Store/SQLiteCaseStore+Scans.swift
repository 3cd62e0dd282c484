import Foundation
import GRDB
import KeyprintModel

extension SQLiteCaseStore {
    public func beginScan(root: String, collection: String, settings: ScanSettings, commandLine: String,
                          versions: String) async throws -> ScanRecord {
        let now = Date()
        return try await guarded {
            try await self.pool.write { db in
                try db.execute(sql: """
                    INSERT INTO scans (root, collection, settings, command_line, started_at) VALUES (?, ?, ?, ?, ?)
                    """, arguments: [root, collection, settings.json, commandLine, now])
                let id = db.lastInsertedRowID
                let detail = "command line: \(commandLine)\nversions: \(versions)\nroot: \(root)\ncollection: \(collection)\nsettings: \(settings.json)"
                try Self.appendAudit(db, scanID: id, event: AuditEvent.scanStarted, fileID: nil, detail: detail, time: now)
                return ScanRecord(id: id, root: root, collection: collection, settings: settings, commandLine: commandLine,
                                  startedAt: now, endedAt: nil, outcome: nil, filesSeen: 0, filesProcessed: 0,
                                  filesUnchanged: 0, filesFailed: 0, filesSkipped: 0)
            }
        }
    }

    public func finishScan(_ scan: ScanRecord) async throws {
        try await guarded {
            try await self.pool.write { db in
                try db.execute(sql: """
                    UPDATE scans SET ended_at = ?, outcome = ?, files_seen = ?, files_processed = ?, files_unchanged = ?,
                        files_failed = ?, files_skipped = ? WHERE id = ?
                    """, arguments: [scan.endedAt ?? Date(), scan.outcome?.rawValue, scan.filesSeen, scan.filesProcessed,
                                     scan.filesUnchanged, scan.filesFailed, scan.filesSkipped, scan.id])
                let detail = "outcome: \(scan.outcome?.rawValue ?? "none"); seen \(scan.filesSeen), processed \(scan.filesProcessed), unchanged \(scan.filesUnchanged), failed \(scan.filesFailed), skipped \(scan.filesSkipped)"
                try Self.appendAudit(db, scanID: scan.id, event: AuditEvent.scanEnded, fileID: nil, detail: detail, time: Date())
            }
        }
    }

    public func scan(id: Int64) async throws -> ScanRecord? {
        try await guarded { try await self.pool.read { db in try Row.fetchOne(db, sql: "SELECT * FROM scans WHERE id = ?", arguments: [id]).map { try Self.scanRecord($0) } } }
    }

    public func scans() async throws -> [ScanRecord] {
        try await guarded { try await self.pool.read { db in try Row.fetchAll(db, sql: "SELECT * FROM scans ORDER BY id").map { try Self.scanRecord($0) } } }
    }

    public func lastUnfinishedScan() async throws -> ScanRecord? {
        guard let last = try await scans().last, !last.isFinished else { return nil }
        return last
    }

    static func scanRecord(_ row: Row) throws -> ScanRecord {
        let settingsText: String = try row.decode(forColumn: "settings")
        let outcome: String? = try row.decode(forColumn: "outcome")
        return ScanRecord(
            id: try row.decode(forColumn: "id"), root: try row.decode(forColumn: "root"), collection: try row.decode(forColumn: "collection"),
            settings: try ScanSettings(json: settingsText).orCorrupt(table: "scans", column: "settings", settingsText),
            commandLine: try row.decode(forColumn: "command_line"), startedAt: try row.decode(forColumn: "started_at"), endedAt: try row.decode(forColumn: "ended_at"),
            outcome: try outcome.map { try ScanOutcome(rawValue: $0).orCorrupt(table: "scans", column: "outcome", $0) },
            filesSeen: try row.decode(forColumn: "files_seen"), filesProcessed: try row.decode(forColumn: "files_processed"), filesUnchanged: try row.decode(forColumn: "files_unchanged"),
            filesFailed: try row.decode(forColumn: "files_failed"), filesSkipped: try row.decode(forColumn: "files_skipped"))
    }
}
