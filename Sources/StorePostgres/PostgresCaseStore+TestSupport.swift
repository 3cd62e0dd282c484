import Foundation
import KeyprintStore
import PostgresNIO

extension PostgresCaseStore {
    /// For tests: runs `sql` (one statement each, no result) on the database `url` names,
    /// without Keyprint's schema checks: creating and dropping scratch databases and roles,
    /// damaging a schema the way another tool could.
    package static func executeRaw(url: String, _ statements: [String]) async throws {
        let location = try PostgresLocation(url)
        let gate = PostgresConnectionGate(location: location, password: location.resolvedPassword())
        defer { Task { await gate.close() } }
        try await gate.withConnection { c, l in
            for sql in statements { try await c.query(PostgresQuery(unsafeSQL: sql), logger: l) }
        }
        await gate.close()
    }

    /// For tests: a new, empty database on the server of `adminURL` (reached as that URL's
    /// user); returns its URL.
    package static func createScratchDatabase(adminURL: String, prefix: String = "keyprint_test") async throws -> String {
        let admin = try PostgresLocation(adminURL)
        let name = "\(prefix)_\(UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: ""))"
        try await executeRaw(url: adminURL, ["CREATE DATABASE \(name)"])
        var url = adminURL
        if let range = url.range(of: "/\(admin.database)", options: .backwards) { url.replaceSubrange(range, with: "/\(name)") }
        return url
    }

    /// For tests: drops a database made by `createScratchDatabase` (closing its sessions).
    package static func dropScratchDatabase(adminURL: String, url: String) async throws {
        let name = try PostgresLocation(url).database
        try await executeRaw(url: adminURL, ["DROP DATABASE IF EXISTS \(name) WITH (FORCE)"])
    }
}

extension PostgresCaseStore {
    /// For tests: the definitions of `table`'s indexes, by name, each with its object id (a
    /// rebuilt index has a new one).
    package func indexes(table: String) async throws -> [(definition: String, oid: Int64)] {
        try await read { c, l in
            try await c.query("""
                SELECT indexdef, indexrelid::bigint FROM pg_indexes JOIN pg_class ON pg_class.relname = pg_indexes.indexname
                    JOIN pg_index ON pg_index.indexrelid = pg_class.oid
                WHERE pg_indexes.schemaname = current_schema() AND pg_indexes.tablename = \(table) ORDER BY indexname
                """, logger: l).collect().map { try $0.decode((String, Int64).self) }
        }.map { (definition: $0.0, oid: $0.1) }
    }

    /// For tests: how many records of every hash set have `md5`.
    package func knownHashCount(md5: String) async throws -> Int {
        try await read { c, l in try await c.query("SELECT count(*) FROM known_hashes WHERE md5 = \(md5)", logger: l).collect().first?.decode(Int.self) ?? 0 }
    }
}
