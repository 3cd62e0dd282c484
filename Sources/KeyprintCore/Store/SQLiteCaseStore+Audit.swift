import Foundation
import GRDB

extension SQLiteCaseStore {
    public func audit(scanID: Int64?) throws -> [AuditEntry] {
        try guarded {
            try pool.read { db in
                let rows: [Row]
                if let scanID {
                    rows = try Row.fetchAll(db, sql: "SELECT * FROM audit WHERE scan_id = ? ORDER BY id", arguments: [scanID])
                } else {
                    rows = try Row.fetchAll(db, sql: "SELECT * FROM audit ORDER BY id")
                }
                return rows.map { row in
                    AuditEntry(id: row["id"], time: row["time"], scanID: row["scan_id"], event: row["event"],
                               fileID: row["file_id"], detail: row["detail"])
                }
            }
        }
    }

    static func appendAudit(_ db: Database, scanID: Int64?, event: String, fileID: Int64?, detail: String?, time: Date) throws {
        try db.execute(sql: "INSERT INTO audit (time, scan_id, event, file_id, detail) VALUES (?, ?, ?, ?, ?)",
                       arguments: [time, scanID, event, fileID, detail])
    }
}
