import Foundation
import Testing
@testable import KeyprintStore
@testable import KeyprintStorePostgres

/// The PostgreSQL server the tests use: `KEYPRINT_TEST_POSTGRES_URL` (scripts/test starts a
/// throw-away cluster and sets it). Without it the PostgreSQL tests are skipped, saying so;
/// with `CI` set they run anyway and fail, so that CI never passes without them.
enum TestPostgres {
    static let url: String? = {
        let value = ProcessInfo.processInfo.environment["KEYPRINT_TEST_POSTGRES_URL"] ?? ""
        return value.isEmpty ? nil : value
    }()

    static var inCI: Bool { !(ProcessInfo.processInfo.environment["CI"] ?? "").isEmpty }

    /// For `.enabled(if:)`: the tests run when there is a server, and in CI (where they fail
    /// without one).
    static var enabled: Bool { url != nil || inCI }

    static let skipReason: Comment = "PostgreSQL tests skipped: KEYPRINT_TEST_POSTGRES_URL is not set (scripts/test sets it)"

    /// The server's URL, or nil after recording why there is none (a failure in CI).
    static func serverURL() -> String? {
        if let url { return url }
        Issue.record("CI is set but KEYPRINT_TEST_POSTGRES_URL is not: the PostgreSQL tests cannot run (scripts/test starts a cluster)")
        return nil
    }

    /// The data folder of scripts/pg-cluster's cluster (for restarts), when scripts/test made it.
    static var clusterFolder: String? { ProcessInfo.processInfo.environment["KEYPRINT_TEST_POSTGRES_CLUSTER"] }

    /// A fresh database on the server, dropped afterwards; `body` gets its URL.
    static func withDatabase<T>(_ body: (String) async throws -> T) async throws -> T? {
        guard let admin = serverURL() else { return nil }
        let url = try await PostgresCaseStore.createScratchDatabase(adminURL: admin)
        do {
            let value = try await body(url)
            try? await PostgresCaseStore.dropScratchDatabase(adminURL: admin, url: url)
            return value
        } catch {
            try? await PostgresCaseStore.dropScratchDatabase(adminURL: admin, url: url)
            throw error
        }
    }

    /// A fresh database with Keyprint's schema, opened for writing.
    static func withStore<T>(_ body: (PostgresCaseStore) async throws -> T) async throws -> T? {
        try await withDatabase { url in
            let store = try await PostgresCaseStore.open(url, access: .write)
            let value = try await body(store)
            await store.close()
            return value
        }
    }
}
