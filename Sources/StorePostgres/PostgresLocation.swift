import Foundation
import KeyprintStore

/// A `postgres://USER[:PASSWORD]@HOST[:PORT]/DBNAME[?sslmode=…]` (or `postgresql://`) case
/// database location, parsed. The password is kept apart from everything that is printed or
/// recorded: `description` (and `redacted`) never contain it.
public struct PostgresLocation: Sendable, Equatable, CustomStringConvertible {
    /// How the connection is encrypted, as libpq's `sslmode` names it.
    public enum SSLMode: String, Sendable, Equatable {
        case disable, allow, prefer, require
        case verifyCA = "verify-ca"
        case verifyFull = "verify-full"
    }

    public var user: String
    public var host: String
    public var port: Int
    public var database: String
    public var sslMode: SSLMode
    /// The password the URL itself carries, if any (`resolvedPassword` also looks elsewhere).
    var urlPassword: String?

    /// True for a `postgres://` or `postgresql://` location.
    public static func isPostgres(_ location: String) -> Bool {
        let lower = location.lowercased()
        return lower.hasPrefix("postgres://") || lower.hasPrefix("postgresql://")
    }

    /// Parses `location`; a malformed one is `StoreError.badLocation` (in words without the password).
    public init(_ location: String) throws {
        guard Self.isPostgres(location), var components = URLComponents(string: location) else {
            throw StoreError.badLocation(Self.redact(location), reason: "not a postgres://USER@HOST:PORT/DBNAME URL")
        }
        let shown = Self.redact(location)
        guard let host = components.host, !host.isEmpty else { throw StoreError.badLocation(shown, reason: "no host") }
        guard let user = components.user, !user.isEmpty else { throw StoreError.badLocation(shown, reason: "no user (postgres://USER@HOST/DBNAME)") }
        let name = String(components.path.drop { $0 == "/" })
        guard !name.isEmpty, !name.contains("/") else { throw StoreError.badLocation(shown, reason: "no database name (postgres://USER@HOST/DBNAME)") }
        self.host = host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host
        self.port = components.port ?? 5432
        self.user = user
        self.database = name.removingPercentEncoding ?? name
        self.urlPassword = components.password
        var mode = SSLMode.prefer
        for item in components.queryItems ?? [] {
            switch item.name {
            case "sslmode":
                guard let value = item.value, let parsed = SSLMode(rawValue: value) else {
                    throw StoreError.badLocation(shown, reason: "sslmode must be one of disable, allow, prefer, require, verify-ca, verify-full")
                }
                mode = parsed
            default:
                throw StoreError.badLocation(shown, reason: "unknown parameter \(item.name) (only sslmode is understood)")
            }
        }
        self.sslMode = mode
        components.password = nil
    }

    /// The location without its password: `postgres://USER@HOST:PORT/DBNAME`.
    public var description: String {
        let shownHost = host.contains(":") ? "[\(host)]" : host
        let query = sslMode == .prefer ? "" : "?sslmode=\(sslMode.rawValue)"
        return "postgres://\(user)@\(shownHost):\(port)/\(database)\(query)"
    }

    /// `host:port`, for messages about the server.
    public var server: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    /// The password: the URL's, else `PGPASSWORD`, else the first matching line of `~/.pgpass`
    /// (or `PGPASSFILE`), else none.
    public func resolvedPassword(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        if let urlPassword { return urlPassword.removingPercentEncoding ?? urlPassword }
        if let password = environment["PGPASSWORD"], !password.isEmpty { return password }
        let file = environment["PGPASSFILE"] ?? (environment["HOME"].map { $0 + "/.pgpass" } ?? NSHomeDirectory() + "/.pgpass")
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { return nil }
        return Self.pgpassPassword(text, host: host, port: port, database: database, user: user)
    }

    /// The password of the first line of a `.pgpass` text (`host:port:database:user:password`,
    /// `*` matching anything, `\:` and `\\` escaped) that matches.
    static func pgpassPassword(_ text: String, host: String, port: Int, database: String, user: String) -> String? {
        for line in text.split(whereSeparator: \.isNewline) {
            if line.hasPrefix("#") { continue }
            var fields: [String] = [], current = "", escaped = false
            for ch in line {
                if escaped { current.append(ch); escaped = false } else if ch == "\\" { escaped = true } else if ch == ":" && fields.count < 4 {
                    fields.append(current); current = ""
                } else { current.append(ch) }
            }
            fields.append(current)
            guard fields.count == 5 else { continue }
            let wanted = [host, String(port), database, user]
            let hostMatches = fields[0] == "*" || fields[0] == host || (fields[0] == "localhost" && (host == "127.0.0.1" || host == "::1"))
            if hostMatches, zip(fields[1...3], wanted[1...3]).allSatisfy({ $0 == "*" || $0 == $1 }) { return fields[4] }
        }
        return nil
    }

    /// `text` with the password of every postgres:// URL in it replaced by nothing
    /// (`postgres://user:secret@host/db` → `postgres://user@host/db`): for command lines and
    /// messages that quote what was typed.
    public static func redact(_ text: String) -> String {
        var out = ""
        var rest = Substring(text)
        while let range = rest.range(of: "://") {
            let schemeStart = rest[..<range.lowerBound].lastIndex { !($0.isLetter) }.map { rest.index(after: $0) } ?? rest.startIndex
            let scheme = rest[schemeStart..<range.lowerBound].lowercased()
            out += rest[..<range.upperBound]
            rest = rest[range.upperBound...]
            guard scheme == "postgres" || scheme == "postgresql" else { continue }
            // The authority ends at the first '/', '?', '#' or space; its userinfo at its last '@'.
            let authorityEnd = rest.firstIndex { "/?# '\"".contains($0) } ?? rest.endIndex
            let authority = rest[..<authorityEnd]
            if let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":") {
                out += authority[..<colon]
                rest = rest[at...]
            }
        }
        return out + rest
    }
}
