/// Why the case database could not be used, in words for the person at the terminal.
public enum StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    case noDatabase(path: String)
    case cannotOpen(path: String, reason: String)
    /// A statement failed: SQLite's extended result code (`SQLITE_FULL` = 13, `SQLITE_IOERR_*`
    /// = 10 + n·256, …), its message, and the statement, when there was one.
    case sqlite(code: Int32, message: String, sql: String?)
    /// A stored value that does not decode: the database was damaged or written by something else
    /// (`table` and `column` empty when the reason names them).
    case corruptRow(table: String, column: String, reason: String)
    case unknownFile(id: Int64)
    /// Another scan holds the case's scan lock.
    case locked(path: String)
    /// `--db` names a kind of database this Keyprint cannot open.
    case unsupportedLocation(String)
    /// A `postgres://` location that does not parse (shown without its password).
    case badLocation(String, reason: String)
    /// The PostgreSQL server cannot be reached (`server` is `host:port`).
    case serverUnreachable(server: String, reason: String)
    /// The server refused the login (wrong password, unknown user, no password given).
    case authenticationFailed(server: String, user: String, reason: String)
    /// The server has no database of that name.
    case missingDatabase(server: String, database: String)
    /// The database was migrated by a newer Keyprint: the migrations this binary does not know.
    case newerSchema(location: String, unknownMigrations: [String])
    /// The connection to the server broke during a call (a restart, a network cut): what that
    /// call was writing rolled back.
    case connectionLost(server: String, reason: String)
    /// A statement failed on the PostgreSQL server: its SQLSTATE, message and statement.
    case postgres(sqlState: String, message: String, sql: String?)
    /// The PostgreSQL server ran out of room (SQLSTATE class 53: 53100 disk full, 53200 out of
    /// memory, 53300 too many connections, …): the statement and its transaction rolled back.
    case serverFull(server: String, sqlState: String, message: String)

    public var description: String {
        switch self {
        case .noDatabase(let path): return "no case database at \(path)"
        case .cannotOpen(let path, let reason): return "cannot open the case database \(path): \(reason)"
        case .sqlite(let code, let message, let sql):
            let statement = sql.map { " in `\(Self.abbreviated($0))`" } ?? ""
            return "case database error: \(message) (SQLite code \(code))\(statement)"
        case .corruptRow(let table, let column, let reason):
            // GRDB's decoding errors name the column themselves: no table and column then.
            let place = table.isEmpty ? "" : "\(table).\(column) "
            return "the case database is damaged: \(place)\(reason)"
        case .unknownFile(let id): return "no file with id \(id) in the case database"
        case .locked(let path): return "another keyprint scan is working on this case database (\(path))"
        case .unsupportedLocation(let location): return "cannot open \(location): not a path to a SQLite case database nor a postgres:// URL"
        case .badLocation(let location, let reason): return "cannot use \(location) as a case database: \(reason)"
        case .serverUnreachable(let server, let reason): return "cannot reach the PostgreSQL server at \(server): \(reason)"
        case .authenticationFailed(let server, let user, let reason):
            return "the PostgreSQL server at \(server) refused the login of \(user): \(reason) "
                + "(give the password in the URL, PGPASSWORD or ~/.pgpass)"
        case .missingDatabase(let server, let database):
            return "the PostgreSQL server at \(server) has no database \(database) (create it first: createdb -h HOST -p PORT -U USER \(database))"
        case .newerSchema(let location, let unknown):
            return "the case database \(location) was set up by a newer Keyprint (migrations unknown to this one: "
                + "\(unknown.joined(separator: ", "))); use that Keyprint or a newer one"
        case .connectionLost(let server, let reason):
            return "lost the connection to the PostgreSQL server at \(server) (\(reason)); what was being written rolled back"
        case .postgres(let state, let message, let sql):
            let statement = sql.map { " in `\(Self.abbreviated($0))`" } ?? ""
            return "case database error: \(message) (SQLSTATE \(state))\(statement)"
        case .serverFull(let server, let state, let message):
            let what = state == "53100" ? "the disk of the PostgreSQL server at \(server) is full" : "the PostgreSQL server at \(server) ran out of resources"
            return "\(what) (\(message); SQLSTATE \(state)); what was being written rolled back: free space on the server, then run `keyprint resume`"
        }
    }

    /// The primary SQLite result code (the low byte of the extended one), nil for other errors.
    public var primarySQLiteCode: Int32? {
        if case .sqlite(let code, _, _) = self { return code & 0xFF }
        return nil
    }

    /// True for an error that concerns what one record holds (a constraint it breaks, a value
    /// too big or of the wrong type), not the database as a whole: the scan fails that one file
    /// and goes on. Full disk, I/O errors, corruption, a read-only or locked database: false.
    public var concernsOneRecord: Bool {
        // PostgreSQL: class 22 (data exception) and 23 (integrity constraint violation).
        if case .postgres(let state, _, _) = self { return state.hasPrefix("22") || state.hasPrefix("23") }
        guard let primary = primarySQLiteCode else { return false }
        // SQLITE_TOOBIG 18, SQLITE_CONSTRAINT 19, SQLITE_MISMATCH 20, SQLITE_RANGE 25.
        return [18, 19, 20, 25].contains(primary)
    }

    /// A statement on one line, cut at 160 characters.
    static func abbreviated(_ sql: String) -> String {
        let line = sql.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
        return line.count > 160 ? String(line.prefix(157)) + "…" : line
    }
}

extension Optional {
    /// The value, or `StoreError.corruptRow` naming where the undecodable `stored` text was.
    func orCorrupt(table: String, column: String, _ stored: String) throws(StoreError) -> Wrapped {
        guard let self else { throw .corruptRow(table: table, column: column, reason: "holds \(String(reflecting: String(stored.prefix(80)))), which does not decode") }
        return self
    }
}
