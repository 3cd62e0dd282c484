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
