import Foundation
import KeyprintModel
import KeyprintStore
import PostgresNIO

extension PostgresCaseStore {
    public func beginScan(root: String, collection: String, settings: ScanSettings, commandLine: String,
                          versions: String) async throws -> ScanRecord {
        let now = Date()
        let json = settings.json
        return try await write { c, l in
            let id = try await c.query("""
                INSERT INTO scans (root, collection, settings, command_line, started_at) VALUES (\(root), \(collection), \(json), \(commandLine), \(now))
                RETURNING id
                """, logger: l).collect().first!.decode(Int64.self)
            let detail = "command line: \(commandLine)\nversions: \(versions)\nroot: \(root)\ncollection: \(collection)\nsettings: \(json)"
            try await Self.appendAudit(c, l, scanID: id, event: AuditEvent.scanStarted, fileID: nil, detail: detail, time: now)
            return ScanRecord(id: id, root: root, collection: collection, settings: settings, commandLine: commandLine,
                              startedAt: now, endedAt: nil, outcome: nil, filesSeen: 0, filesProcessed: 0,
                              filesUnchanged: 0, filesFailed: 0, filesSkipped: 0)
        }
    }

    public func finishScan(_ scan: ScanRecord) async throws {
        try await write { c, l in
            try await c.query("""
                UPDATE scans SET ended_at = \(scan.endedAt ?? Date()), outcome = \(scan.outcome?.rawValue), files_seen = \(scan.filesSeen),
                    files_processed = \(scan.filesProcessed), files_unchanged = \(scan.filesUnchanged), files_failed = \(scan.filesFailed),
                    files_skipped = \(scan.filesSkipped) WHERE id = \(scan.id)
                """, logger: l)
            let detail = "outcome: \(scan.outcome?.rawValue ?? "none"); seen \(scan.filesSeen), processed \(scan.filesProcessed), unchanged \(scan.filesUnchanged), failed \(scan.filesFailed), skipped \(scan.filesSkipped)"
            try await Self.appendAudit(c, l, scanID: scan.id, event: AuditEvent.scanEnded, fileID: nil, detail: detail, time: Date())
        }
    }

    public func scan(id: Int64) async throws -> ScanRecord? {
        try await read { c, l in
            try await c.query("SELECT * FROM scans WHERE id = \(id)", logger: l).collect().first.map { try Self.scanRecord($0) }
        }
    }

    public func scans() async throws -> [ScanRecord] {
        try await read { c, l in try await c.query("SELECT * FROM scans ORDER BY id", logger: l).collect().map { try Self.scanRecord($0) } }
    }

    public func lastUnfinishedScan() async throws -> ScanRecord? {
        guard let last = try await scans().last, !last.isFinished else { return nil }
        return last
    }

    static func scanRecord(_ row: PostgresRow) throws -> ScanRecord {
        let r = row.makeRandomAccess()
        let settingsText: String = try r.value("settings")
        let outcome: String? = try r.value("outcome")
        guard let settings = ScanSettings(json: settingsText) else { throw corrupt("scans", "settings", settingsText) }
        var parsedOutcome: ScanOutcome?
        if let outcome {
            guard let value = ScanOutcome(rawValue: outcome) else { throw corrupt("scans", "outcome", outcome) }
            parsedOutcome = value
        }
        return ScanRecord(id: try r.value("id"), root: try r.value("root"), collection: try r.value("collection"), settings: settings,
                          commandLine: try r.value("command_line"), startedAt: try r.value("started_at"), endedAt: try r.value("ended_at"),
                          outcome: parsedOutcome, filesSeen: try r.value("files_seen"), filesProcessed: try r.value("files_processed"),
                          filesUnchanged: try r.value("files_unchanged"), filesFailed: try r.value("files_failed"),
                          filesSkipped: try r.value("files_skipped"))
    }

    /// `StoreError.corruptRow` for a stored text that does not decode.
    static func corrupt(_ table: String, _ column: String, _ stored: String) -> StoreError {
        .corruptRow(table: table, column: column, reason: "holds \(String(reflecting: String(stored.prefix(80)))), which does not decode")
    }

    // MARK: Audit

    public func audit(scanID: Int64?) async throws -> [AuditEntry] {
        try await read { c, l in
            let rows: [PostgresRow]
            if let scanID {
                rows = try await c.query("SELECT * FROM audit WHERE scan_id = \(scanID) ORDER BY id", logger: l).collect()
            } else {
                rows = try await c.query("SELECT * FROM audit ORDER BY id", logger: l).collect()
            }
            return try rows.map { row in
                let r = row.makeRandomAccess()
                return AuditEntry(id: try r.value("id"), time: try r.value("time"), scanID: try r.value("scan_id"), event: try r.value("event"),
                                  fileID: try r.value("file_id"), detail: try r.value("detail"))
            }
        }
    }

    static func appendAudit(_ c: PostgresConnection, _ l: Logger, scanID: Int64?, event: String, fileID: Int64?, detail: String?, time: Date) async throws {
        try await c.query("INSERT INTO audit (time, scan_id, event, file_id, detail) VALUES (\(time), \(scanID), \(event), \(fileID), \(detail))", logger: l)
    }
}
