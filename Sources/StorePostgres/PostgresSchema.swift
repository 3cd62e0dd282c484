import KeyprintStore
import PostgresNIO

/// The case database's schema on PostgreSQL: named, append-only migrations recorded in
/// `keyprint_migrations`. Never edit a migration that has shipped; append a new one. The first
/// mirrors the SQLite schema after its `v8-failure-retry` (hashes as `bytea`, times as
/// `timestamptz`, integers as `bigint`).
enum PostgresSchema {
    struct Migration: Sendable {
        let name: String
        /// One statement each (the extended protocol runs one at a time).
        let statements: [String]
    }

    static let migrations: [Migration] = [
        Migration(name: "pg1-initial", statements: [
            """
            CREATE TABLE scans (
                id BIGSERIAL PRIMARY KEY,
                root TEXT NOT NULL,
                collection TEXT NOT NULL,
                settings TEXT NOT NULL,
                command_line TEXT NOT NULL,
                started_at TIMESTAMPTZ NOT NULL,
                ended_at TIMESTAMPTZ,
                outcome TEXT CHECK (outcome IN ('completed', 'completed-with-failures', 'interrupted')),
                files_seen BIGINT NOT NULL DEFAULT 0,
                files_processed BIGINT NOT NULL DEFAULT 0,
                files_unchanged BIGINT NOT NULL DEFAULT 0,
                files_failed BIGINT NOT NULL DEFAULT 0,
                files_skipped BIGINT NOT NULL DEFAULT 0
            )
            """,
            """
            CREATE TABLE files (
                id BIGSERIAL PRIMARY KEY,
                collection TEXT NOT NULL,
                root TEXT NOT NULL,
                relative_path TEXT NOT NULL,
                state TEXT NOT NULL CHECK (state IN ('pending', 'running', 'done', 'failed', 'skipped')),
                error TEXT,
                warning TEXT,
                retry TEXT,
                size BIGINT,
                mtime_ns BIGINT,
                md5 TEXT,
                sha1 TEXT,
                sha256 TEXT,
                hashed_at TIMESTAMPTZ,
                hashing_key TEXT,
                container TEXT,
                codec TEXT,
                width BIGINT,
                height BIGINT,
                display_width BIGINT,
                display_height BIGINT,
                rotation BIGINT,
                duration_s DOUBLE PRECISION,
                creation_time TIMESTAMPTZ,
                is_still_image BOOLEAN,
                frame_count BIGINT NOT NULL DEFAULT 0,
                decoded_frames BIGINT,
                processing_s DOUBLE PRECISION,
                scan_id BIGINT REFERENCES scans(id),
                updated_at TIMESTAMPTZ NOT NULL,
                UNIQUE (collection, relative_path)
            )
            """,
            "CREATE INDEX files_state ON files(collection, state)",
            frameTable("frames"),
            frameTable("region_frames"),
            frameTable("picture_frames"),
            """
            CREATE TABLE shot_regions (
                file_id BIGINT NOT NULL REFERENCES files(id) ON DELETE CASCADE,
                start_s DOUBLE PRECISION NOT NULL,
                x DOUBLE PRECISION,
                y DOUBLE PRECISION,
                width DOUBLE PRECISION,
                height DOUBLE PRECISION,
                detector TEXT NOT NULL,
                detector_version BIGINT NOT NULL,
                PRIMARY KEY (file_id, start_s)
            )
            """,
            """
            CREATE TABLE audit (
                id BIGSERIAL PRIMARY KEY,
                time TIMESTAMPTZ NOT NULL,
                scan_id BIGINT REFERENCES scans(id),
                event TEXT NOT NULL,
                file_id BIGINT REFERENCES files(id) ON DELETE SET NULL,
                detail TEXT
            )
            """,
            "CREATE INDEX audit_scan ON audit(scan_id)",
            """
            CREATE TABLE match_runs (
                id BIGSERIAL PRIMARY KEY,
                query_collection TEXT,
                reference_collection TEXT,
                settings TEXT NOT NULL,
                command_line TEXT NOT NULL,
                started_at TIMESTAMPTZ NOT NULL,
                ended_at TIMESTAMPTZ
            )
            """,
            """
            CREATE TABLE match_segments (
                id BIGSERIAL PRIMARY KEY,
                run_id BIGINT NOT NULL REFERENCES match_runs(id) ON DELETE CASCADE,
                query_file_id BIGINT NOT NULL REFERENCES files(id) ON DELETE CASCADE,
                reference_file_id BIGINT NOT NULL REFERENCES files(id) ON DELETE CASCADE,
                query_start_s DOUBLE PRECISION NOT NULL,
                query_end_s DOUBLE PRECISION NOT NULL,
                reference_start_s DOUBLE PRECISION NOT NULL,
                reference_end_s DOUBLE PRECISION NOT NULL,
                slope DOUBLE PRECISION NOT NULL,
                score DOUBLE PRECISION NOT NULL,
                matched_frames BIGINT NOT NULL,
                mean_distance DOUBLE PRECISION NOT NULL,
                transform TEXT NOT NULL,
                via_file_id BIGINT REFERENCES files(id) ON DELETE CASCADE
            )
            """,
            "CREATE INDEX match_segments_run ON match_segments(run_id)",
        ]),
        // Several scanners on one case: a file's lease (who holds it, until when, on the
        // server's clock) and the workers with their last heartbeat.
        Migration(name: "pg2-worker-leases", statements: [
            "ALTER TABLE files ADD COLUMN lease_worker TEXT, ADD COLUMN lease_expires TIMESTAMPTZ",
            "CREATE INDEX files_lease ON files(lease_worker)",
            """
            CREATE TABLE workers (
                id TEXT PRIMARY KEY,
                scan_id BIGINT REFERENCES scans(id),
                started_at TIMESTAMPTZ NOT NULL,
                heartbeat_at TIMESTAMPTZ NOT NULL,
                ended_at TIMESTAMPTZ
            )
            """,
        ]),
        // One match run divided between several `keyprint match` processes: the open run of a
        // key (comparison, settings, files), its queries with their leases, each query's direct
        // segments until the run is stored, and the match workers with their last heartbeat.
        Migration(name: "pg3-match-claims", statements: [
            """
            CREATE TABLE shared_matches (
                id BIGSERIAL PRIMARY KEY,
                match_key TEXT NOT NULL,
                query_collection TEXT,
                reference_collection TEXT,
                settings TEXT NOT NULL,
                command_line TEXT NOT NULL,
                started_at TIMESTAMPTZ NOT NULL,
                finished_at TIMESTAMPTZ,
                run_id BIGINT
            )
            """,
            "CREATE UNIQUE INDEX shared_matches_open ON shared_matches(match_key) WHERE finished_at IS NULL",
            """
            CREATE TABLE shared_match_queries (
                match_id BIGINT NOT NULL REFERENCES shared_matches(id) ON DELETE CASCADE,
                file_id BIGINT NOT NULL REFERENCES files(id) ON DELETE CASCADE,
                position BIGINT NOT NULL,
                state TEXT NOT NULL CHECK (state IN ('pending', 'running', 'done')),
                lease_worker TEXT,
                lease_expires TIMESTAMPTZ,
                done_by TEXT,
                PRIMARY KEY (match_id, file_id)
            )
            """,
            "CREATE INDEX shared_match_queries_lease ON shared_match_queries(lease_worker)",
            """
            CREATE TABLE shared_match_segments (
                match_id BIGINT NOT NULL,
                query_file_id BIGINT NOT NULL,
                n BIGINT NOT NULL,
                reference_file_id BIGINT NOT NULL,
                query_start_s DOUBLE PRECISION NOT NULL,
                query_end_s DOUBLE PRECISION NOT NULL,
                reference_start_s DOUBLE PRECISION NOT NULL,
                reference_end_s DOUBLE PRECISION NOT NULL,
                slope DOUBLE PRECISION NOT NULL,
                score DOUBLE PRECISION NOT NULL,
                matched_frames BIGINT NOT NULL,
                mean_distance DOUBLE PRECISION NOT NULL,
                transform TEXT NOT NULL,
                PRIMARY KEY (match_id, query_file_id, n),
                FOREIGN KEY (match_id, query_file_id) REFERENCES shared_match_queries(match_id, file_id) ON DELETE CASCADE
            )
            """,
            """
            CREATE TABLE match_workers (
                id TEXT PRIMARY KEY,
                match_id BIGINT REFERENCES shared_matches(id) ON DELETE SET NULL,
                started_at TIMESTAMPTZ NOT NULL,
                heartbeat_at TIMESTAMPTZ NOT NULL,
                ended_at TIMESTAMPTZ
            )
            """,
        ]),
        // A pair's segments are aligned once in the pair's own orientation (Matcher.pairSegments),
        // so a segment a worker stores for its query can have the other file as its query side:
        // that file's id (NULL: the owning query itself).
        Migration(name: "pg4-pair-segments", statements: [
            "ALTER TABLE shared_match_segments ADD COLUMN segment_query_file_id BIGINT",
        ]),
        // The turned and mirrored-and-turned hashes of stored frames (issue 13), as SQLite's
        // `v13-dihedral-hashes`: one row per (file, hash table, frame index), the six hashes
        // as one 192-byte value, so that the frame tables' rows stay as they were.
        Migration(name: "pg5-dihedral-hashes", statements: [
            """
            CREATE TABLE dihedral_frames (
                file_id BIGINT NOT NULL REFERENCES files(id) ON DELETE CASCADE,
                kind SMALLINT NOT NULL CHECK (kind IN (0, 1, 2)),
                frame_index BIGINT NOT NULL,
                hashes BYTEA NOT NULL CHECK (octet_length(hashes) = 192),
                PRIMARY KEY (file_id, kind, frame_index)
            )
            """,
        ]),
        // Known material (`KnownMaterialStore`), as SQLite's `v10-imported-hashes`,
        // `v11-hash-sets` and `v12-ignore-lists` in one step: the marks of an item imported from
        // a hash file on its `files` row (NULL for a file a scan decoded), and hash sets of known
        // files with their records. Digests are lower-case hex compared byte by byte (COLLATE
        // "C", whatever the database's collation), each with a partial index for the hits.
        Migration(name: "pg6-known-material", statements: [
            """
            ALTER TABLE files ADD COLUMN imported_format TEXT, ADD COLUMN imported_sha256 TEXT,
                ADD COLUMN import_role TEXT CHECK (import_role IN ('reference', 'ignore'))
            """,
            """
            CREATE TABLE hash_sets (
                id BIGSERIAL PRIMARY KEY,
                collection TEXT NOT NULL,
                source_path TEXT NOT NULL,
                source_sha256 TEXT NOT NULL,
                format TEXT NOT NULL,
                records BIGINT NOT NULL,
                imported_at TIMESTAMPTZ NOT NULL,
                UNIQUE (collection, source_path)
            )
            """,
            """
            CREATE TABLE known_hashes (
                id BIGSERIAL PRIMARY KEY,
                set_id BIGINT NOT NULL REFERENCES hash_sets(id) ON DELETE CASCADE,
                md5 TEXT COLLATE "C",
                sha1 TEXT COLLATE "C",
                sha256 TEXT COLLATE "C",
                category TEXT,
                media_id TEXT,
                note TEXT
            )
            """,
            "CREATE INDEX known_hashes_set ON known_hashes(set_id)",
        ] + digestIndexes.map(\.create)),
    ]

    /// The digest indexes of `known_hashes`, as `pg6-known-material` makes them (and a large
    /// hash-set import makes them again: `PostgresCaseStore.importHashSet`). Part of a shipped
    /// migration: never change them; a new migration may replace them.
    static let digestIndexes: [(name: String, create: String)] = ["md5", "sha1", "sha256"].map { column in
        ("known_hashes_\(column)", "CREATE INDEX known_hashes_\(column) ON known_hashes(\(column)) WHERE \(column) IS NOT NULL")
    }

    /// One of the three hash tables (whole frames, region crops, pictures inside letterbox
    /// bars): the same columns, as in the SQLite schema.
    static func frameTable(_ name: String) -> String {
        """
        CREATE TABLE \(name) (
            id BIGSERIAL PRIMARY KEY,
            file_id BIGINT NOT NULL REFERENCES files(id) ON DELETE CASCADE,
            frame_index BIGINT NOT NULL,
            timestamp_s DOUBLE PRECISION NOT NULL,
            quality BIGINT NOT NULL,
            hash BYTEA NOT NULL CHECK (octet_length(hash) = 32),
            mirror_hash BYTEA NOT NULL CHECK (octet_length(mirror_hash) = 32),
            UNIQUE (file_id, frame_index)
        )
        """
    }

    /// A fixed key for `pg_advisory_xact_lock`: two processes migrating one database at once
    /// take turns.
    static let migrationLockKey: Int64 = 0x4B50_4D49_4752 // "KPMIGR"

    static let createTable = """
        CREATE TABLE IF NOT EXISTS keyprint_migrations (name TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())
        """

    /// Applies the missing migrations in order (in one transaction), after refusing a database
    /// that holds a migration this binary does not know.
    static func migrate(_ gate: PostgresConnectionGate) async throws {
        try await gate.transaction { connection, logger in
            try await connection.query("SELECT pg_advisory_xact_lock(\(migrationLockKey))", logger: logger)
            try await connection.query(PostgresQuery(unsafeSQL: createTable), logger: logger)
            let applied = try await appliedNames(connection, logger)
            try refuseNewer(applied, location: gate.location)
            for migration in migrations where !applied.contains(migration.name) {
                for statement in migration.statements { try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger) }
                try await connection.query("INSERT INTO keyprint_migrations (name) VALUES (\(migration.name))", logger: logger)
            }
        }
    }

    /// For a database that is only read: it must hold Keyprint's schema, of no newer version.
    /// A schema older than this binary's is read as it is only if its tables suffice; today every
    /// known migration is required.
    static func check(_ gate: PostgresConnectionGate) async throws {
        try await gate.withConnection { connection, logger in
            let exists = try await connection.query("SELECT to_regclass('keyprint_migrations') IS NOT NULL", logger: logger)
                .collect().first?.decode(Bool.self) ?? false
            guard exists else { throw StoreError.noDatabase(path: gate.location.description) }
            let applied = try await appliedNames(connection, logger)
            try refuseNewer(applied, location: gate.location)
            let missing = migrations.map(\.name).filter { !applied.contains($0) }
            if !missing.isEmpty {
                throw StoreError.cannotOpen(path: gate.location.description,
                                            reason: "its schema lacks \(missing.joined(separator: ", ")); open it once with a command that writes (scan, match)")
            }
        }
    }

    static func appliedNames(_ connection: PostgresConnection, _ logger: Logger) async throws -> [String] {
        try await connection.query("SELECT name FROM keyprint_migrations ORDER BY applied_at, name", logger: logger)
            .collect().map { try $0.decode(String.self) }
    }

    static func refuseNewer(_ applied: [String], location: PostgresLocation) throws {
        let known = Set(migrations.map(\.name))
        let unknown = applied.filter { !known.contains($0) }
        if !unknown.isEmpty { throw StoreError.newerSchema(location: location.description, unknownMigrations: unknown) }
    }
}
