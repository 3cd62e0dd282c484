import Foundation
import KeyprintStore
import PostgresNIO

/// One connection to the server, used by one call at a time (a transaction's statements must
/// not interleave with another call's), opened again after the server dropped it. Errors leave
/// as `StoreError`s that name the server, never the password.
final class PostgresConnectionGate: @unchecked Sendable {
    let location: PostgresLocation
    private let password: String?
    private let logger: Logger
    private let mutex = NSLock()
    private var connection: PostgresConnection?
    private var busy = false
    private var waiters: [CheckedContinuation<Void, Never>] = []
    private static let ids = IDCounter()

    init(location: PostgresLocation, password: String?) {
        self.location = location
        self.password = password
        var logger = Logger(label: "keyprint.postgres")
        logger.logLevel = .critical
        self.logger = logger
    }

    deinit {
        // The connection must outlive its closing (PostgresNIO asserts that it is closed when freed).
        if let connection { connection.close().whenComplete { _ in withExtendedLifetime(connection) {} } }
    }

    private func acquire() async {
        let granted: Bool = mutex.withLock {
            if busy { return false }
            busy = true
            return true
        }
        if granted { return }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let now: Bool = mutex.withLock {
                if !busy { busy = true; return true }
                waiters.append(continuation)
                return false
            }
            if now { continuation.resume() }
        }
    }

    private func release() {
        let next: CheckedContinuation<Void, Never>? = mutex.withLock {
            if waiters.isEmpty { busy = false; return nil }
            return waiters.removeFirst()
        }
        next?.resume()
    }

    /// Runs `body` with the connection, alone; opens it first when there is none (or the
    /// server closed it).
    func withConnection<T: Sendable>(_ body: (PostgresConnection, Logger) async throws -> T) async throws -> T {
        await acquire()
        defer { release() }
        let connection = try await connected()
        do {
            return try await body(connection, logger)
        } catch let error as CallerError {
            throw error
        } catch {
            throw PostgresErrors.storeError(error, location: location, connecting: false)
        }
    }

    /// A transaction on the connection: committed when `body` returns, rolled back when it throws.
    func transaction<T: Sendable>(_ body: (PostgresConnection, Logger) async throws -> T) async throws -> T {
        try await withConnection { connection, logger in
            try await connection.query("BEGIN", logger: logger)
            do {
                let value = try await body(connection, logger)
                try await connection.query("COMMIT", logger: logger)
                return value
            } catch {
                if !connection.isClosed { _ = try? await connection.query("ROLLBACK", logger: logger) }
                throw error
            }
        }
    }

    /// Closes the connection (the server ends its session: its advisory locks go).
    func close() async {
        await acquire()
        defer { release() }
        let current = mutex.withLock { () -> PostgresConnection? in defer { connection = nil }; return connection }
        try? await current?.close()
    }

    private func connected() async throws -> PostgresConnection {
        let existing: PostgresConnection? = mutex.withLock { self.connection }
        if let existing, !existing.isClosed { return existing }
        let opened = try await Self.connect(location: location, password: password, logger: logger)
        mutex.withLock { self.connection = opened }
        return opened
    }

    static func connect(location: PostgresLocation, password: String?, logger: Logger) async throws -> PostgresConnection {
        do {
            var configuration = PostgresConnection.Configuration(host: location.host, port: location.port, username: location.user,
                                                                 password: password, database: location.database, tls: try tls(location.sslMode))
            configuration.options.connectTimeout = .seconds(10)
            return try await PostgresConnection.connect(configuration: configuration, id: ids.next(), logger: logger)
        } catch {
            throw PostgresErrors.storeError(error, location: location, connecting: true)
        }
    }

    static func tls(_ mode: PostgresLocation.SSLMode) throws -> PostgresConnection.Configuration.TLS {
        switch mode {
        case .disable: return .disable
        case .allow, .prefer, .require:
            var configuration = TLSConfiguration.makeClientConfiguration()
            configuration.certificateVerification = .none
            let context = try NIOSSLContext(configuration: configuration)
            return mode == .require ? .require(context) : .prefer(context)
        case .verifyCA, .verifyFull:
            var configuration = TLSConfiguration.makeClientConfiguration()
            configuration.certificateVerification = mode == .verifyFull ? .fullVerification : .noHostnameVerification
            return .require(try NIOSSLContext(configuration: configuration))
        }
    }
}

final class IDCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func next() -> Int { lock.withLock { value += 1; return value } }
}

/// An error of the caller's, not of the server (an import's producer failed to parse its file,
/// an import was refused): thrown inside a call as this, it leaves the store as the error it
/// wraps, not turned into a `StoreError`. The call's transaction is rolled back all the same.
struct CallerError: Error {
    let error: any Error
    init(_ error: any Error) { self.error = error }
}

/// PostgresNIO's errors in Keyprint's words.
enum PostgresErrors {
    static func storeError(_ error: any Error, location: PostgresLocation, connecting: Bool) -> StoreError {
        if let error = error as? StoreError { return error }
        let server = location.server
        if let error = error as? PSQLError {
            let state = error.serverInfo?[.sqlState] ?? ""
            let message = error.serverInfo?[.message] ?? error.code.description
            switch error.code {
            case .server:
                switch state {
                case "28P01", "28000": return .authenticationFailed(server: server, user: location.user, reason: message)
                case "3D000": return .missingDatabase(server: server, database: location.database)
                case "57P01", "57P02", "57P03", "08006", "08003", "08000":
                    return connecting ? .serverUnreachable(server: server, reason: message) : .connectionLost(server: server, reason: message)
                case _ where state.hasPrefix("53"):
                    return .serverFull(server: server, sqlState: state, message: message)
                default:
                    return .postgres(sqlState: state, message: message, sql: error.query?.sql)
                }
            case .authMechanismRequiresPassword:
                return .authenticationFailed(server: server, user: location.user, reason: "the server asks for a password and none was given")
            case .unsupportedAuthMechanism, .saslError:
                return .authenticationFailed(server: server, user: location.user, reason: "\(error.code)")
            case .sslUnsupported:
                return .serverUnreachable(server: server, reason: "the server does not offer SSL (sslmode=\(location.sslMode.rawValue))")
            default:
                let reason = error.underlying.map { describe($0) } ?? error.code.description
                return connecting ? .serverUnreachable(server: server, reason: reason) : .connectionLost(server: server, reason: reason)
            }
        }
        if let error = error as? PostgresDecodingError {
            return .corruptRow(table: "", column: error.columnName, reason: "a stored value does not decode as \(error.targetType)")
        }
        return connecting ? .serverUnreachable(server: server, reason: describe(error)) : .connectionLost(server: server, reason: describe(error))
    }

    static func describe(_ error: any Error) -> String {
        let text = "\(error)"
        if text.contains("connectionRefused") || text.contains("Connection refused") { return "connection refused (is PostgreSQL running there?)" }
        if text.contains("connectTimeout") { return "no answer within 10 s" }
        return PostgresLocation.redact(String(text.prefix(200)))
    }
}
