import Foundation
import GRDB
import KeyprintModel

/// The case database in one SQLite file, through GRDB: WAL mode (readers beside the one
/// writer), synchronous=FULL on the writer (each commit is fsynced to the WAL before it
/// returns, so a committed file survives a power cut), foreign keys on, and named, append-only
/// migrations. The only type in Keyprint that touches GRDB; extensions in
/// `SQLiteCaseStore+*.swift` group its methods by table.
public final class SQLiteCaseStore: CaseStore {
    /// How the database is opened.
    public enum Mode: Sendable, Equatable {
        /// Created when missing, migrated, checked (`PRAGMA quick_check`): for a scan.
        case create
        /// Must exist; migrated and checked: for commands that write results (match).
        case existing
        /// Must exist; nothing is written, not even a migration (status, export).
        case readOnly
    }

    let pool: DatabasePool
    public let path: String
    public let mode: Mode
    /// The scan lock (`acquireScanLock`): an `flock` on the database file itself.
    let lockFile: DatabaseLockFile

    /// Opens the database at `path` in `mode` and, unless read-only, brings its schema up to
    /// date and checks its integrity.
    public init(path: String, mode: Mode) throws {
        self.path = path
        self.mode = mode
        if mode != .create, !FileManager.default.fileExists(atPath: path) { throw StoreError.noDatabase(path: path) }
        var configuration = Configuration()
        configuration.readonly = mode == .readOnly
        configuration.busyMode = .timeout(30)
        configuration.label = "keyprint-case"
        do {
            pool = try Self.openPool(path: path, configuration: configuration)
            if mode != .readOnly {
                // GRDB turns synchronous to NORMAL when it sets up WAL, after prepareDatabase;
                // set FULL on the one writer connection afterwards.
                try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
                try Self.checkIntegrity(pool, path: path)
                try Self.migrator.migrate(pool)
            }
        } catch let error as DatabaseError {
            throw StoreError.cannotOpen(path: path, reason: Self.reason(error))
        }
        lockFile = DatabaseLockFile(path: path)
    }

    /// The older spelling: `create` false means the database must exist.
    public convenience init(path: String, create: Bool = true, readOnly: Bool = false) throws {
        try self.init(path: path, mode: readOnly ? .readOnly : (create ? .create : .existing))
    }

    deinit {
        // Close SQLite's connections before the lock's descriptor: closing any descriptor of the
        // database file drops every POSIX lock this process holds on it, SQLite's included.
        try? pool.close()
        lockFile.closeDescriptor()
    }

    /// Opens the pool. A read-only open that SQLite refuses because it cannot create the WAL's
    /// `-shm` beside the database (a read-only mount, a write-protected folder) is retried as an
    /// immutable database, but only when no WAL file with content lies beside it: then the
    /// database file holds every committed transaction.
    static func openPool(path: String, configuration: Configuration) throws -> DatabasePool {
        do {
            return try DatabasePool(path: path, configuration: configuration)
        } catch let error as DatabaseError where configuration.readonly && error.resultCode == .SQLITE_CANTOPEN {
            let wal = (try? FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int) ?? 0
            guard wal == 0 else { throw error }
            var components = URLComponents()
            components.scheme = "file"
            components.path = path
            components.queryItems = [URLQueryItem(name: "immutable", value: "1")]
            guard let uri = components.string else { throw error }
            return try DatabasePool(path: uri, configuration: configuration)
        }
    }

    /// `PRAGMA quick_check` (structure, not index contents): a damaged database is refused
    /// before anything is written into it.
    static func checkIntegrity(_ pool: DatabasePool, path: String) throws {
        let problems = try pool.read { db in try String.fetchAll(db, sql: "PRAGMA quick_check(5)") }
        if problems != ["ok"] {
            throw StoreError.cannotOpen(path: path, reason: "the database is damaged (PRAGMA quick_check: \(problems.joined(separator: "; ")))")
        }
    }

    static func reason(_ error: DatabaseError) -> String {
        "\(error.message ?? "\(error)") (SQLite code \(error.extendedResultCode.rawValue))"
    }

    public func acquireScanLock() async throws -> ScanLease {
        try lockFile.acquire()
        return ScanLease { [lockFile] in lockFile.release() }
    }

    /// The `synchronous` setting of the writer connection: 2 = FULL, 1 = NORMAL.
    package func writerSynchronousSetting() async throws -> Int {
        try await guarded { try await self.pool.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1 } }
    }

    /// Names of the migrations applied to this database, in order.
    public func appliedMigrations() async throws -> [String] {
        try await guarded { try await self.pool.read { db in try Self.migrator.appliedMigrations(db) } }
    }

    /// Runs a GRDB call and turns its errors into `StoreError`. The call runs in a task of its
    /// own, so that cancelling the caller (Ctrl-C) never interrupts a statement half way: an
    /// interrupted scan still records how it ended (the `CaseStore` contract).
    func guarded<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
        try await Task {
            do { return try await body() } catch let error as DatabaseError {
                throw StoreError.sqlite(code: error.extendedResultCode.rawValue, message: error.message ?? "\(error)", sql: error.sql)
            } catch let error as RowDecodingError {
                throw StoreError.corruptRow(table: "", column: "", reason: "a stored value does not decode: \(error)")
            }
        }.value
    }

    /// Append-only: never edit a migration that has shipped; register a new one after it.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-initial") { db in
            try db.execute(sql: """
                CREATE TABLE scans (
                    id INTEGER PRIMARY KEY,
                    root TEXT NOT NULL,
                    collection TEXT NOT NULL,
                    settings TEXT NOT NULL,
                    command_line TEXT NOT NULL,
                    started_at TEXT NOT NULL,
                    ended_at TEXT,
                    outcome TEXT CHECK (outcome IN ('completed', 'completed-with-failures', 'interrupted')),
                    files_seen INTEGER NOT NULL DEFAULT 0,
                    files_processed INTEGER NOT NULL DEFAULT 0,
                    files_unchanged INTEGER NOT NULL DEFAULT 0,
                    files_failed INTEGER NOT NULL DEFAULT 0,
                    files_skipped INTEGER NOT NULL DEFAULT 0
                );
                CREATE TABLE files (
                    id INTEGER PRIMARY KEY,
                    collection TEXT NOT NULL,
                    root TEXT NOT NULL,
                    relative_path TEXT NOT NULL,
                    state TEXT NOT NULL CHECK (state IN ('pending', 'running', 'done', 'failed', 'skipped')),
                    error TEXT,
                    size INTEGER,
                    mtime_ns INTEGER,
                    md5 TEXT,
                    sha1 TEXT,
                    sha256 TEXT,
                    hashed_at TEXT,
                    hashing_key TEXT,
                    container TEXT,
                    codec TEXT,
                    width INTEGER,
                    height INTEGER,
                    display_width INTEGER,
                    display_height INTEGER,
                    rotation INTEGER,
                    duration_s REAL,
                    creation_time TEXT,
                    is_still_image INTEGER,
                    frame_count INTEGER NOT NULL DEFAULT 0,
                    decoded_frames INTEGER,
                    processing_s REAL,
                    scan_id INTEGER REFERENCES scans(id),
                    updated_at TEXT NOT NULL,
                    UNIQUE (collection, relative_path)
                );
                CREATE INDEX files_state ON files(collection, state);
                CREATE TABLE frames (
                    id INTEGER PRIMARY KEY,
                    file_id INTEGER NOT NULL REFERENCES files(id) ON DELETE CASCADE,
                    frame_index INTEGER NOT NULL,
                    timestamp_s REAL NOT NULL,
                    quality INTEGER NOT NULL,
                    hash BLOB NOT NULL CHECK (length(hash) = 32),
                    mirror_hash BLOB NOT NULL CHECK (length(mirror_hash) = 32),
                    UNIQUE (file_id, frame_index)
                );
                CREATE TABLE audit (
                    id INTEGER PRIMARY KEY,
                    time TEXT NOT NULL,
                    scan_id INTEGER REFERENCES scans(id),
                    event TEXT NOT NULL,
                    file_id INTEGER REFERENCES files(id) ON DELETE SET NULL,
                    detail TEXT
                );
                CREATE INDEX audit_scan ON audit(scan_id);
                """)
        }
        migrator.registerMigration("v2-regions") { db in
            try db.execute(sql: """
                CREATE TABLE file_regions (
                    file_id INTEGER PRIMARY KEY REFERENCES files(id) ON DELETE CASCADE,
                    x REAL NOT NULL,
                    y REAL NOT NULL,
                    width REAL NOT NULL,
                    height REAL NOT NULL,
                    detector TEXT NOT NULL,
                    detector_version INTEGER NOT NULL
                );
                CREATE TABLE region_frames (
                    id INTEGER PRIMARY KEY,
                    file_id INTEGER NOT NULL REFERENCES files(id) ON DELETE CASCADE,
                    frame_index INTEGER NOT NULL,
                    timestamp_s REAL NOT NULL,
                    quality INTEGER NOT NULL,
                    hash BLOB NOT NULL CHECK (length(hash) = 32),
                    mirror_hash BLOB NOT NULL CHECK (length(mirror_hash) = 32),
                    UNIQUE (file_id, frame_index)
                );
                """)
        }
        migrator.registerMigration("v3-matches") { db in
            try db.execute(sql: """
                CREATE TABLE match_runs (
                    id INTEGER PRIMARY KEY,
                    query_collection TEXT,
                    reference_collection TEXT,
                    settings TEXT NOT NULL,
                    command_line TEXT NOT NULL,
                    started_at TEXT NOT NULL,
                    ended_at TEXT
                );
                CREATE TABLE match_segments (
                    id INTEGER PRIMARY KEY,
                    run_id INTEGER NOT NULL REFERENCES match_runs(id) ON DELETE CASCADE,
                    query_file_id INTEGER NOT NULL REFERENCES files(id) ON DELETE CASCADE,
                    reference_file_id INTEGER NOT NULL REFERENCES files(id) ON DELETE CASCADE,
                    query_start_s REAL NOT NULL,
                    query_end_s REAL NOT NULL,
                    reference_start_s REAL NOT NULL,
                    reference_end_s REAL NOT NULL,
                    slope REAL NOT NULL,
                    score REAL NOT NULL,
                    matched_frames INTEGER NOT NULL,
                    mean_distance REAL NOT NULL,
                    transform TEXT NOT NULL
                );
                CREATE INDEX match_segments_run ON match_segments(run_id);
                """)
        }
        migrator.registerMigration("v4-shot-regions") { db in
            // A region per shot (compilations change layout between excerpts): one row per shot,
            // from its first sampled frame's time; NULL rectangle = the shot has no region.
            // A file's one region of v2 becomes its only shot, from time 0.
            try db.execute(sql: """
                CREATE TABLE shot_regions (
                    file_id INTEGER NOT NULL REFERENCES files(id) ON DELETE CASCADE,
                    start_s REAL NOT NULL,
                    x REAL,
                    y REAL,
                    width REAL,
                    height REAL,
                    detector TEXT NOT NULL,
                    detector_version INTEGER NOT NULL,
                    PRIMARY KEY (file_id, start_s)
                );
                INSERT INTO shot_regions (file_id, start_s, x, y, width, height, detector, detector_version)
                    SELECT file_id, 0, x, y, width, height, detector, detector_version FROM file_regions;
                DROP TABLE file_regions;
                """)
        }
        migrator.registerMigration("v5-derived-links") { db in
            // A segment derived through a third file (`LinkDeriver`): that file; NULL = direct.
            try db.execute(sql: "ALTER TABLE match_segments ADD COLUMN via_file_id INTEGER REFERENCES files(id) ON DELETE CASCADE")
        }
        migrator.registerMigration("v6-picture-frames") { db in
            // Hashes of the picture inside letterbox bars (bars removed), for frames whose shot
            // has bars around a smaller content region; rows only where there is such a picture.
            try db.execute(sql: """
                CREATE TABLE picture_frames (
                    id INTEGER PRIMARY KEY,
                    file_id INTEGER NOT NULL REFERENCES files(id) ON DELETE CASCADE,
                    frame_index INTEGER NOT NULL,
                    timestamp_s REAL NOT NULL,
                    quality INTEGER NOT NULL,
                    hash BLOB NOT NULL CHECK (length(hash) = 32),
                    mirror_hash BLOB NOT NULL CHECK (length(mirror_hash) = 32),
                    UNIQUE (file_id, frame_index)
                );
                """)
        }
        migrator.registerMigration("v7-file-warnings") { db in
            // What went wrong without stopping a file (a decode that ended early, skipped
            // packets): the file stays `done`, the warning is kept beside its error column.
            try db.execute(sql: "ALTER TABLE files ADD COLUMN warning TEXT")
        }
        migrator.registerMigration("v8-failure-retry") { db in
            // When a failed file is tried again (`FailureRetry.storageKey`); NULL: when it changes.
            try db.execute(sql: "ALTER TABLE files ADD COLUMN retry TEXT")
        }
        migrator.registerMigration("v9-match-reuse") { db in
            // Incremental matching (MatchReuseStore): what the next run of the same comparison
            // needs to reuse a query's results; replaced with its run, removed with its file.
            try db.execute(sql: """
                CREATE TABLE match_run_reuse (
                    run_id INTEGER PRIMARY KEY REFERENCES match_runs(id) ON DELETE CASCADE,
                    matcher_key TEXT NOT NULL
                );
                CREATE TABLE match_run_files (
                    run_id INTEGER NOT NULL REFERENCES match_runs(id) ON DELETE CASCADE,
                    file_id INTEGER NOT NULL REFERENCES files(id) ON DELETE CASCADE,
                    digest INTEGER NOT NULL,
                    is_query INTEGER NOT NULL,
                    is_reference INTEGER NOT NULL,
                    touched BLOB NOT NULL,
                    segments BLOB NOT NULL,
                    PRIMARY KEY (run_id, file_id)
                );
                """)
        }
        migrator.registerMigration("v10-imported-hashes") { db in
            // Reference items imported from hash files (`keyprint import vpdq`): `done` rows of
            // `files` with their frames in `frames`, no media file behind them. The format of the
            // hash file ('vpdq') and its SHA-256; NULL for a file a scan decoded.
            try db.execute(sql: """
                ALTER TABLE files ADD COLUMN imported_format TEXT;
                ALTER TABLE files ADD COLUMN imported_sha256 TEXT;
                """)
        }
        migrator.registerMigration("v11-hash-sets") { db in
            // Hash sets of known files (`keyprint import hashset`): one row per imported file,
            // one row per record; digests lower-case hex, categories as the set gives them.
            try db.execute(sql: """
                CREATE TABLE hash_sets (
                    id INTEGER PRIMARY KEY,
                    collection TEXT NOT NULL,
                    source_path TEXT NOT NULL,
                    source_sha256 TEXT NOT NULL,
                    format TEXT NOT NULL,
                    records INTEGER NOT NULL,
                    imported_at TEXT NOT NULL,
                    UNIQUE (collection, source_path)
                );
                CREATE TABLE known_hashes (
                    id INTEGER PRIMARY KEY,
                    set_id INTEGER NOT NULL REFERENCES hash_sets(id) ON DELETE CASCADE,
                    md5 TEXT,
                    sha1 TEXT,
                    sha256 TEXT,
                    category TEXT,
                    media_id TEXT,
                    note TEXT
                );
                CREATE INDEX known_hashes_set ON known_hashes(set_id);
                CREATE INDEX known_hashes_md5 ON known_hashes(md5) WHERE md5 IS NOT NULL;
                CREATE INDEX known_hashes_sha1 ON known_hashes(sha1) WHERE sha1 IS NOT NULL;
                CREATE INDEX known_hashes_sha256 ON known_hashes(sha256) WHERE sha256 IS NOT NULL;
                """)
        }
        migrator.registerMigration("v12-ignore-lists") { db in
            // What an imported item is for: 'reference' (matched; NULL reads so) or 'ignore' (an
            // ignore list: frames near its hashes never vote, `import vpdq --role ignore`).
            try db.execute(sql: "ALTER TABLE files ADD COLUMN import_role TEXT")
        }
        migrator.registerMigration("v13-dihedral-hashes") { db in
            // Turned and mirrored-and-turned hashes of frames, regions and pictures (issue 13).
            try db.execute(sql: Self.dihedralMigration)
        }
        return migrator
    }
}
