import Foundation
import GRDB
import GRDBSQLite
import KeyprintModel

/// Imports write a million rows in one transaction; GRDB's `StatementArguments` (an array of
/// boxed values per row) cost about 10 µs a row there, five times SQLite's own work. These
/// inserts bind through SQLite's C API on a statement of their own, inside the caller's
/// transaction (`Database.sqliteConnection`), and report errors as GRDB's `DatabaseError`.
struct BulkInsert {
    private let connection: OpaquePointer
    private let statement: OpaquePointer
    private let sql: String

    /// SQLite copies the bytes it is given before `bind` returns.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    init(_ db: Database, sql: String) throws {
        guard let connection = db.sqliteConnection else { throw DatabaseError(resultCode: .SQLITE_MISUSE, message: "the connection is closed", sql: sql) }
        var statement: OpaquePointer?
        let rc = sqlite3_prepare_v2(connection, sql, -1, &statement, nil)
        guard rc == SQLITE_OK, let statement else {
            throw DatabaseError(resultCode: ResultCode(rawValue: rc), message: String(cString: sqlite3_errmsg(connection)), sql: sql)
        }
        self.connection = connection
        self.statement = statement
        self.sql = sql
    }

    func finalize() { sqlite3_finalize(statement) }

    func bind(_ index: Int32, _ value: Int64) { sqlite3_bind_int64(statement, index, value) }
    func bind(_ index: Int32, _ value: Double) { sqlite3_bind_double(statement, index, value) }
    func bind(_ index: Int32, _ value: String?) {
        guard let value else { sqlite3_bind_null(statement, index); return }
        sqlite3_bind_text(statement, index, value, -1, Self.transient)
    }
    func bind(_ index: Int32, _ hash: PDQHash) {
        withUnsafeBytes(of: hash.storageBytes) { raw in
            _ = sqlite3_bind_blob(statement, index, raw.baseAddress, 32, Self.transient)
        }
    }

    /// Runs the statement with the values bound since the last step.
    func step() throws {
        let rc = sqlite3_step(statement)
        sqlite3_reset(statement)
        guard rc == SQLITE_DONE else {
            throw DatabaseError(resultCode: ResultCode(rawValue: rc), message: String(cString: sqlite3_errmsg(connection)), sql: sql)
        }
    }
}

extension PDQHash {
    /// `bytes` (the stored blob's layout) as a fixed-size tuple, without an array.
    var storageBytes: (UInt64, UInt64, UInt64, UInt64) { (w0.littleEndian, w1.littleEndian, w2.littleEndian, w3.littleEndian) }
}
