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
        case .unsupportedLocation(let location): return "cannot open \(location): not a path to a SQLite case database"
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
