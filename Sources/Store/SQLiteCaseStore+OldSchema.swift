import Foundation
import GRDB

extension SQLiteCaseStore {
    /// One SQL statement and the blobs bound to its `?` placeholders, in order.
    package struct RawStatement {
        package var sql: String
        package var blobs: [Data]
        package init(_ sql: String, blobs: [Data] = []) { self.sql = sql; self.blobs = blobs }
    }

    /// For migration tests: a new database at `path` with the schema as it stood after the
    /// migration named `migration`, holding what `statements` insert.
    package static func makeDatabase(path: String, migratedUpTo migration: String, statements: [RawStatement]) throws {
        let queue = try DatabaseQueue(path: path)
        try migrator.migrate(queue, upTo: migration)
        try queue.write { db in
            for statement in statements {
                try db.execute(sql: statement.sql, arguments: StatementArguments(statement.blobs))
            }
        }
        try queue.close()
    }
}
