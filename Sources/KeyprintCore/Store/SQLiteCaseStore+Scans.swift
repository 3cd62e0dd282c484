import Foundation
import GRDB

extension SQLiteCaseStore {
    public func beginScan(root: String, collection: String, settings: ScanSettings, commandLine: String,
                          versions: String) throws -> ScanRecord {
        let now = Date()
        return try guarded {
            try pool.write { db in
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

    public func finishScan(_ scan: ScanRecord) throws {
        try guarded {
            try pool.write { db in
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

    public func scan(id: Int64) throws -> ScanRecord? {
        try guarded { try pool.read { db in try Row.fetchOne(db, sql: "SELECT * FROM scans WHERE id = ?", arguments: [id]).map(Self.scanRecord) } }
    }

    public func scans() throws -> [ScanRecord] {
        try guarded { try pool.read { db in try Row.fetchAll(db, sql: "SELECT * FROM scans ORDER BY id").map(Self.scanRecord) } }
    }

    public func lastUnfinishedScan() throws -> ScanRecord? {
        guard let last = try scans().last, !last.isFinished else { return nil }
        return last
    }

    static func scanRecord(_ row: Row) -> ScanRecord {
        let settingsText: String = row["settings"]
        let outcome: String? = row["outcome"]
        return ScanRecord(
            id: row["id"], root: row["root"], collection: row["collection"],
            settings: ScanSettings(json: settingsText) ?? ScanSettings(sampling: .defaultInterval, timeBudget: nil, jobs: 1),
            commandLine: row["command_line"], startedAt: row["started_at"], endedAt: row["ended_at"],
            outcome: outcome.flatMap(ScanOutcome.init(rawValue:)),
            filesSeen: row["files_seen"], filesProcessed: row["files_processed"], filesUnchanged: row["files_unchanged"],
            filesFailed: row["files_failed"], filesSkipped: row["files_skipped"])
    }
}
