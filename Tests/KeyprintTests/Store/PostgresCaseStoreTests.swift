import Foundation
import Testing
@testable import KeyprintModel
@testable import KeyprintStore
@testable import KeyprintStorePostgres
@testable import KeyprintPipeline
@testable import KeyprintImport

/// What is particular to the PostgreSQL backend: its URL, password lookup and redaction, its
/// schema table, and the faults that must get clear answers (against the real server).
@Suite struct PostgresCaseStoreTests {
    @Test func aURLParsesAndPrintsWithoutItsPassword() throws {
        let location = try PostgresLocation("postgresql://ana:s%3Acret@db.lab:6543/case_12?sslmode=require")
        #expect(location.user == "ana")
        #expect(location.host == "db.lab")
        #expect(location.port == 6543)
        #expect(location.database == "case_12")
        #expect(location.sslMode == .require)
        #expect(location.resolvedPassword(environment: [:]) == "s:cret")
        #expect(location.description == "postgres://ana@db.lab:6543/case_12?sslmode=require")
        #expect(!location.description.contains("cret"))
        #expect(try PostgresLocation("postgres://u@h/d").port == 5432)
    }

    @Test(arguments: ["postgres://h/d", "postgres://u@/d", "postgres://u@h", "postgres://u@h/d?sslmode=sometimes", "postgres://u@h/d?x=1"])
    func aMalformedURLIsABadLocation(_ url: String) {
        #expect(throws: StoreError.self) { try PostgresLocation(url) }
        do { _ = try PostgresLocation(url) } catch let error as StoreError {
            guard case .badLocation = error else { Issue.record("\(url): \(error), not .badLocation"); return }
        } catch { Issue.record("\(error)") }
    }

    @Test func thePasswordComesFromTheURLThenPGPASSWORDThenPgpass() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let pgpass = folder.path + "/pgpass"
        try """
            # comment
            other:5432:*:ana:wrong
            db.lab:6543:*:ana:from\\:pgpass
            """.write(toFile: pgpass, atomically: true, encoding: .utf8)
        let bare = try PostgresLocation("postgres://ana@db.lab:6543/case")
        #expect(bare.resolvedPassword(environment: ["PGPASSFILE": pgpass]) == "from:pgpass")
        #expect(bare.resolvedPassword(environment: ["PGPASSFILE": pgpass, "PGPASSWORD": "env"]) == "env")
        #expect(try PostgresLocation("postgres://ana:url@db.lab:6543/case").resolvedPassword(environment: ["PGPASSWORD": "env"]) == "url")
        #expect(bare.resolvedPassword(environment: ["PGPASSFILE": folder.path + "/none"]) == nil)
    }

    @Test func redactionRemovesEveryURLPassword() {
        #expect(PostgresLocation.redact("keyprint scan /e --db postgres://ana:p%40ss@h:1/d --quiet") == "keyprint scan /e --db postgres://ana@h:1/d --quiet")
        #expect(PostgresLocation.redact("--db=postgresql://u:x@h/d") == "--db=postgresql://u@h/d")
        #expect(PostgresLocation.redact("/plain/case.sqlite") == "/plain/case.sqlite")
        #expect(PostgresLocation.redact("postgres://u@h/d") == "postgres://u@h/d")
    }

    @Test func theFactoryOpensBothBackends() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        #expect(try await CaseStoreFactory.open(folder.path + "/case.sqlite", access: .create) is SQLiteCaseStore)
        await #expect(throws: StoreError.unsupportedLocation("mysql://h/d")) { try await CaseStoreFactory.open("mysql://h/d", access: .read) }
        guard TestPostgres.enabled else { print("theFactoryOpensBothBackends: PostgreSQL half skipped (KEYPRINT_TEST_POSTGRES_URL is not set)"); return }
        _ = try await TestPostgres.withDatabase { url in
            let store = try await CaseStoreFactory.open(url, access: .create)
            #expect(store is PostgresCaseStore)
            #expect(try await (store as? PostgresCaseStore)?.appliedMigrations() == PostgresSchema.migrations.map(\.name))
        }
    }

    // MARK: Faults, against the real server

    @Test(.enabled(if: TestPostgres.enabled, TestPostgres.skipReason))
    func anUnreachableServerIsSaidSo() async throws {
        guard let admin = TestPostgres.serverURL() else { return }
        let location = try PostgresLocation(admin)
        // A port nothing listens on: the server's own port plus one is free in scripts/pg-cluster's range… check it.
        var port = location.port + 1
        while (try? await PostgresCaseStore.executeRaw(url: "postgres://postgres@127.0.0.1:\(port)/postgres", ["SELECT 1"])) != nil { port += 1 }
        do {
            _ = try await PostgresCaseStore.open("postgres://postgres:secret@127.0.0.1:\(port)/postgres", access: .write)
            Issue.record("a store opened on a port nothing listens on")
        } catch let error as StoreError {
            guard case .serverUnreachable(let server, _) = error else { Issue.record("\(error)"); return }
            #expect(server == "127.0.0.1:\(port)")
            #expect(!error.description.contains("secret"))
        }
    }

    @Test(.enabled(if: TestPostgres.enabled, TestPostgres.skipReason))
    func aWrongPasswordAndAMissingDatabaseAreSaidSo() async throws {
        guard let admin = TestPostgres.serverURL() else { return }
        let location = try PostgresLocation(admin)
        let role = "keyprint_pw_\(UInt32.random(in: 0...UInt32.max))"
        try await PostgresCaseStore.executeRaw(url: admin, ["CREATE ROLE \(role) LOGIN PASSWORD 'right-one'"])
        defer { Task { try? await PostgresCaseStore.executeRaw(url: admin, ["DROP ROLE IF EXISTS \(role)"]) } }
        let scratch = try await PostgresCaseStore.createScratchDatabase(adminURL: admin)
        defer { Task { try? await PostgresCaseStore.dropScratchDatabase(adminURL: admin, url: scratch) } }
        let base = "127.0.0.1:\(location.port)/\(try PostgresLocation(scratch).database)"
        do {
            _ = try await PostgresCaseStore.open("postgres://\(role):wrong-one@\(base)", access: .read)
            Issue.record("a wrong password was accepted")
        } catch let error as StoreError {
            guard case .authenticationFailed(_, let user, _) = error else { Issue.record("\(error)"); return }
            #expect(user == role)
            #expect(!error.description.contains("wrong-one"))
        }
        // The right password logs in: an empty database is no case database.
        await #expect(throws: StoreError.noDatabase(path: "postgres://\(role)@\(base)")) {
            _ = try await PostgresCaseStore.open("postgres://\(role):right-one@\(base)", access: .read)
        }
        do {
            _ = try await PostgresCaseStore.open("postgres://postgres@127.0.0.1:\(location.port)/no_such_case_db", access: .write)
            Issue.record("a missing database was opened")
        } catch let error as StoreError {
            #expect(error == .missingDatabase(server: "127.0.0.1:\(location.port)", database: "no_such_case_db"))
        }
    }

    @Test(.enabled(if: TestPostgres.enabled, TestPostgres.skipReason))
    func aNewerSchemaIsRefused() async throws {
        _ = try await TestPostgres.withDatabase { url in
            let store = try await PostgresCaseStore.open(url, access: .write)
            await store.close()
            try await PostgresCaseStore.executeRaw(url: url, ["INSERT INTO keyprint_migrations (name) VALUES ('pg99-from-the-future')"])
            for access in [PostgresCaseStore.Access.write, .read] {
                do {
                    _ = try await PostgresCaseStore.open(url, access: access)
                    Issue.record("a newer schema was opened for \(access)")
                } catch let error as StoreError {
                    guard case .newerSchema(_, let unknown) = error else { Issue.record("\(error)"); continue }
                    #expect(unknown == ["pg99-from-the-future"])
                    #expect(error.description.contains("newer Keyprint"))
                }
            }
        }
    }

    @Test(.enabled(if: TestPostgres.enabled, TestPostgres.skipReason))
    func migratingTwiceChangesNothingAndReadAccessWritesNothing() async throws {
        _ = try await TestPostgres.withDatabase { url in
            await #expect(throws: StoreError.self) { _ = try await PostgresCaseStore.open(url, access: .read) }
            let first = try await PostgresCaseStore.open(url, access: .write)
            let (scanID, ids) = try await StoreContract.scanWithFiles(first, count: 1)
            try await first.commit(StoreContract.done(ids[0], frames: [StoreContract.frame(0)]), scanID: scanID)
            await first.close()
            let second = try await PostgresCaseStore.open(url, access: .write)
            #expect(try await second.appliedMigrations() == PostgresSchema.migrations.map(\.name))
            #expect(try await second.frames(fileID: ids[0]).count == 1)
            await second.close()
        }
    }

    /// A case made before `pg6-known-material` (its files and frames in place): a command that
    /// only reads asks for a writing one first; the first writer adds the tables, after which
    /// the old files read as decoded ones and known material can be imported beside them.
    @Test(.enabled(if: TestPostgres.enabled, TestPostgres.skipReason))
    func aCaseFromBeforeTheKnownMaterialMigrationGetsItOnTheFirstWrite() async throws {
        _ = try await TestPostgres.withDatabase { url in
            let older = PostgresSchema.migrations.prefix { $0.name != "pg6-known-material" }
            #expect(older.count == PostgresSchema.migrations.count - 1)
            try await PostgresCaseStore.executeRaw(url: url, [PostgresSchema.createTable] + older.flatMap(\.statements)
                + older.map { "INSERT INTO keyprint_migrations (name) VALUES ('\($0.name)')" } + [
                    "INSERT INTO files (collection, root, relative_path, state, md5, sha1, sha256, frame_count, updated_at) VALUES ('c', '/e', 'a.mp4', 'done', 'm', 's', 'h', 1, now())",
                    "INSERT INTO frames (file_id, frame_index, timestamp_s, quality, hash, mirror_hash) SELECT id, 0, 0, 90, decode(repeat('ab', 32), 'hex'), decode(repeat('cd', 32), 'hex') FROM files",
                ])
            do {
                _ = try await PostgresCaseStore.open(url, access: .read)
                Issue.record("a case without pg6-known-material was opened for reading")
            } catch let error as StoreError {
                #expect(error.description.contains("pg6-known-material"), "\(error)")
            }
            let store = try await PostgresCaseStore.open(url, access: .write)
            #expect(try await store.appliedMigrations() == PostgresSchema.migrations.map(\.name))
            let files = try await store.files(collection: nil)
            #expect(files.count == 1 && files.first?.importedFrom == nil && files.first?.digests?.md5 == "m")
            #expect(try await store.frames(fileID: files[0].id).count == 1)
            #expect(try await store.hashSets().isEmpty)
            #expect(try await store.knownFileHits().isEmpty)
            _ = try await store.importHashSet(collection: "sets", sourcePath: "/s.csv", commandLine: "t", expectedRecords: 1) { add in
                try add(KnownHashRecord(md5: "m", sha1: nil, sha256: nil, category: "2", mediaID: nil, note: nil))
                return ("csv", "00")
            }
            #expect(try await store.knownFileHits().map(\.file.relativePath) == ["a.mp4"])
            await store.close()
        }
    }

    /// A large hash set is imported with the digest indexes dropped and built again in the same
    /// transaction (`PostgresCaseStore.rebuildsDigestIndexes`, SQLite's rule): they come back
    /// as `pg6-known-material` made them (new ones: new object ids), lookups find the records,
    /// and a failing import of a large set leaves the earlier set and the indexes as they were.
    @Test(.enabled(if: TestPostgres.enabled, TestPostgres.skipReason))
    func aLargeHashSetRebuildsTheDigestIndexesAsTheMigrationMadeThem() async throws {
        let folder = try TemporaryFolder("keyprint-pg-index-rebuild")
        defer { folder.remove() }
        _ = try await TestPostgres.withStore { store in
            let migrated = try await store.indexes(table: "known_hashes")
            #expect(migrated.map(\.definition).filter { $0.contains("WHERE") }.count == 3, "\(migrated.map(\.definition))")
            let target = "0123456789abcdef0123456789abcdef"
            let big = folder.path + "/big.csv"
            try HashSetIndexRebuildTests.writeCSV(big, count: 12_000, seed: 1, last: target)
            let set = try await HashSetImporter(store: store).run(path: big, collection: "sets", commandLine: "test")
            #expect(set.records == 12_000)
            let rebuilt = try await store.indexes(table: "known_hashes")
            #expect(rebuilt.map(\.definition) == migrated.map(\.definition))
            #expect(Set(rebuilt.map(\.oid)).intersection(migrated.map(\.oid)).count == 2, "only the primary key and set_id indexes stay")
            #expect(try await store.knownHashCount(md5: target) == 1)

            // A large set whose last line is malformed: nothing of it is stored, the indexes stay.
            let bad = folder.path + "/bad.csv"
            try HashSetIndexRebuildTests.writeCSV(bad, count: 12_000, seed: 2, trailer: "zz,,,\n")
            await #expect(throws: ImportError.self) {
                _ = try await HashSetImporter(store: store).run(path: bad, collection: "sets", commandLine: "test")
            }
            #expect(try await store.hashSets().map(\.records) == [12_000])
            #expect(try await store.indexes(table: "known_hashes").map(\.oid) == rebuilt.map(\.oid))
            #expect(try await store.knownHashCount(md5: target) == 1)

            // A small set next to the large one goes in without a rebuild, and is found too.
            let small = folder.path + "/small.csv"
            try HashSetIndexRebuildTests.writeCSV(small, count: 10, seed: 3, last: target)
            _ = try await HashSetImporter(store: store).run(path: small, collection: "sets", commandLine: "test")
            #expect(try await store.indexes(table: "known_hashes").map(\.oid) == rebuilt.map(\.oid))
            #expect(try await store.knownHashCount(md5: target) == 2)
            #expect(try await store.hashSets().map(\.records).sorted() == [10, 12_000])
        }
    }

    /// Two machines importing into one case at once (two stores, two sessions): two large hash
    /// sets both go in (their index rebuilds take turns instead of deadlocking), and the same
    /// vPDQ item imported twice at once leaves one item, the second import replacing the first.
    @Test(.enabled(if: TestPostgres.enabled, TestPostgres.skipReason))
    func importsFromTwoMachinesAtOnceTakeTurns() async throws {
        _ = try await TestPostgres.withDatabase { url in
            let a = try await PostgresCaseStore.open(url, access: .write), b = try await PostgresCaseStore.open(url, access: .write)
            @Sendable func set(_ store: PostgresCaseStore, _ name: String) async throws -> StoredHashSet {
                try await store.importHashSet(collection: name, sourcePath: "/\(name).csv", commandLine: "t", expectedRecords: 20_000) { add in
                    for i in 0..<20_000 {
                        try add(KnownHashRecord(md5: KnownMaterialContract.hex(i, bytes: 16, salt: UInt64(name.utf8.first!)), sha1: nil, sha256: nil,
                                                category: name, mediaID: nil, note: nil))
                    }
                    return ("csv", name)
                }
            }
            async let x = set(a, "x")
            async let y = set(b, "y")
            let sets = try await [x, y]
            #expect(sets.map(\.records) == [20_000, 20_000])
            #expect(try await a.hashSets().map(\.collection) == ["x", "y"])
            #expect(try await a.indexes(table: "known_hashes").count == 5)

            let item = KnownMaterialContract.item("a.txt", frames: 30)
            async let first = a.importItems(collection: "k", commandLine: "t") { add in try add(item) }
            async let second = b.importItems(collection: "k", commandLine: "t") { add in try add(item) }
            let summaries = try await [first, second]
            #expect(summaries.map(\.replaced).sorted() == [0, 1])
            let files = try await a.files(collection: "k")
            #expect(files.count == 1)
            #expect(try await a.frames(fileID: files[0].id).count == 30)
            await a.close()
            await b.close()
        }
    }
}
