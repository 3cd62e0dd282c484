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

extension SQLiteCaseStore {
    /// For tests that watch another process's scan from a polling loop without awaiting (a
    /// kill must land while that process runs, whatever else the test runner is doing): the
    /// state counts and the number of scans of the database at `path`, read synchronously.
    package static func peek(path: String) throws -> (counts: [StateCount], scans: Int) {
        var configuration = Configuration()
        configuration.readonly = true
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        defer { try? queue.close() }
        return try queue.read { db in
            let counts = try Row.fetchAll(db, sql: "SELECT collection, state, count(*) AS n FROM files GROUP BY collection, state").map { row in
                let state: String = try row.decode(forColumn: "state")
                return StateCount(collection: try row.decode(forColumn: "collection"),
                                  state: try FileState(rawValue: state).orCorrupt(table: "files", column: "state", state),
                                  count: try row.decode(forColumn: "n"))
            }
            return (counts, try Int.fetchOne(db, sql: "SELECT count(*) FROM scans") ?? 0)
        }
    }
}

extension SQLiteCaseStore {
    /// For tests that damage a case database the way an outside tool could: runs `sql` on the
    /// database at `path` as it is, without Keyprint's checks.
    package static func executeRaw(path: String, sql: String) throws {
        let queue = try DatabaseQueue(path: path)
        try queue.writeWithoutTransaction { db in try db.execute(sql: sql) }
        try queue.close()
    }
}

extension SQLiteCaseStore {
    /// For index tests: the definitions of `table`'s indexes, by name.
    package func indexDefinitions(table: String) async throws -> [String] {
        try await pool.read { db in
            try String.fetchAll(db, sql: "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL ORDER BY name",
                                arguments: [table])
        }
    }

    /// For index tests: the records with this MD5, looked up through `known_hashes_md5` (an
    /// error when that index is missing).
    package func knownHashCount(md5: String) async throws -> Int {
        try await pool.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM known_hashes INDEXED BY known_hashes_md5 WHERE md5 = ?", arguments: [md5]) ?? 0
        }
    }
}
