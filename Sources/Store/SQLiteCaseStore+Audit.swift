import Foundation
import GRDB

extension SQLiteCaseStore {
    public func audit(scanID: Int64?) async throws -> [AuditEntry] {
        try await guarded {
            try await self.pool.read { db in
                let rows: [Row]
                if let scanID {
                    rows = try Row.fetchAll(db, sql: "SELECT * FROM audit WHERE scan_id = ? ORDER BY id", arguments: [scanID])
                } else {
                    rows = try Row.fetchAll(db, sql: "SELECT * FROM audit ORDER BY id")
                }
                return try rows.map { row in
                    AuditEntry(id: try row.decode(forColumn: "id"), time: try row.decode(forColumn: "time"), scanID: try row.decode(forColumn: "scan_id"), event: try row.decode(forColumn: "event"),
                               fileID: try row.decode(forColumn: "file_id"), detail: try row.decode(forColumn: "detail"))
                }
            }
        }
    }

    static func appendAudit(_ db: Database, scanID: Int64?, event: String, fileID: Int64?, detail: String?, time: Date) throws {
        try db.execute(sql: "INSERT INTO audit (time, scan_id, event, file_id, detail) VALUES (?, ?, ?, ?, ?)",
                       arguments: [time, scanID, event, fileID, detail])
    }
}
