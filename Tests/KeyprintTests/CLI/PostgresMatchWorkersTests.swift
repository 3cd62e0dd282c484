import Foundation
import Testing
@testable import KeyprintModel
@testable import KeyprintStore
@testable import KeyprintStorePostgres

/// Real `keyprint match` processes dividing one match run on a PostgreSQL case: two workers give
/// the segments of one worker and of SQLite, field by field; a worker SIGKILLed while it holds a
/// query's lease loses it when the lease expires and the survivor stores the same run.
///
/// To make a worker hold a lease at a moment the test chooses, the test locks the table of
/// per-query segments (a `psql` session, `LOCK TABLE … IN EXCLUSIVE MODE`) before the worker
/// starts: its first commit of a query with segments waits on that lock while it holds the
/// query's lease; the test then stops it (SIGSTOP) and lets the lock go.
@Suite(.serialized) struct PostgresMatchWorkersTests {
    /// The last match run's segments, every field, in stored order, with files named by path.
    static func segments(_ store: any CaseStore) async throws -> (runs: [MatchRun], lines: [String]) {
        var names: [Int64: String] = [:]
        for file in try await store.files(collection: nil) { names[file.id] = file.collection + "/" + file.relativePath }
        let runs = try await store.matchRuns()
        guard let last = runs.last else { return (runs, []) }
        let lines = try await store.matchSegments(runID: last.id).map { s in
            "\(names[s.queryVideoID] ?? "?") [\(s.queryStart), \(s.queryEnd)] ↔ \(names[s.referenceVideoID] ?? "?") [\(s.referenceStart), \(s.referenceEnd)] "
                + "slope \(s.slope) frames \(s.matchedFrames) mean \(s.meanDistance) score \(s.score) \(s.transform.rawValue) via \(s.via.map { names[$0] ?? "?" } ?? "-")"
        }
        return (runs, lines)
    }

    /// The segments of one SQLite scan and match of samples/, made once.
    actor Reference {
        var value: [String]?
        func get() async throws -> [String] {
            if let value { return value }
            let folder = try TemporaryFolder()
            defer { folder.remove() }
            let database = folder.path + "/reference.sqlite"
            let scan = try KeyprintBinary.run(["scan", KeyprintBinary.packageRoot + "/samples", "--db", database, "--quiet"])
            guard scan.status == 0 else { throw TestToolError(message: "the reference SQLite scan ended with \(scan.status): \(scan.stderr)") }
            let match = try KeyprintBinary.run(["match", "--db", database, "--quiet"])
            guard match.status == 0 else { throw TestToolError(message: "the reference SQLite match ended with \(match.status): \(match.stderr)") }
            let made = try await PostgresMatchWorkersTests.segments(try SQLiteCaseStore(path: database, mode: .readOnly)).lines
            value = made
            return made
        }
    }
    static let reference = Reference()

    static func match(_ url: String, worker: String, lease: Int) throws -> KeyprintBinary.Launched {
        try KeyprintBinary.launch(["match", "--db", url, "--jobs", "1", "--worker-id", worker, "--lease-seconds", "\(lease)", "--quiet"])
    }

    /// A `psql` session on `url` that holds `LOCK TABLE shared_match_segments IN EXCLUSIVE MODE`
    /// until `release` (commits and ends the session).
    final class TableLock {
        let process = Process()
        let input = Pipe()
        init(url: String) throws {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/psql")
            process.arguments = [url, "-q", "-v", "ON_ERROR_STOP=1"]
            process.standardInput = input
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            input.fileHandleForWriting.write(Data("BEGIN;\nLOCK TABLE shared_match_segments IN EXCLUSIVE MODE;\nSELECT 1;\n".utf8))
        }
        func release() {
            input.fileHandleForWriting.write(Data("COMMIT;\n".utf8))
            try? input.fileHandleForWriting.close()
            process.waitUntilExit()
        }
    }

    /// One value of a one-row query, through `psql`.
    static func scalar(_ url: String, _ sql: String) throws -> String {
        let process = Process(), out = Pipe()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/psql")
        process.arguments = [url, "-tAqc", sql]
        process.standardOutput = out
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Scans samples/ into the database, locks the segments table, starts worker `a` and stops
    /// it (SIGSTOP) once its commit waits on the lock while it holds a query's lease; the lock is
    /// released before this returns. Returns the stopped worker and the query it holds.
    static func stoppedWorker(_ url: String, lease: Int) async throws -> (KeyprintBinary.Launched, String) {
        let scan = try KeyprintBinary.run(["scan", KeyprintBinary.packageRoot + "/samples", "--db", url, "--quiet"])
        guard scan.status == 0 else { throw TestToolError(message: "the PostgreSQL scan ended with \(scan.status): \(scan.stderr)") }
        let lock = try TableLock(url: url)
        // The lock is taken once psql's session shows it.
        var deadline = Date().addingTimeInterval(30)
        while try scalar(url, "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE c.relname = 'shared_match_segments' AND l.granted AND l.mode = 'ExclusiveLock'") != "1" {
            guard Date() < deadline else { lock.release(); throw TestToolError(message: "psql did not take the table lock") }
            try await Task.sleep(nanoseconds: 20_000_000)
        }
        let a = try match(url, worker: "a", lease: lease)
        deadline = Date().addingTimeInterval(300)
        while try scalar(url, "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'") == "0" {
            guard Date() < deadline, a.process.isRunning else {
                lock.release()
                throw TestToolError(message: "worker a never waited on the lock (running: \(a.process.isRunning))")
            }
            try await Task.sleep(nanoseconds: 50_000_000)
        }
        kill(a.process.processIdentifier, SIGSTOP)
        let store = try await PostgresCaseStore.open(url, access: .read)
        let held = try await store.matchWorkers().first { $0.id == "a" }?.holding ?? []
        await store.close()
        lock.release()
        guard held.count == 1 else {
            kill(a.process.processIdentifier, SIGKILL)
            throw TestToolError(message: "worker a waits on the lock but holds \(held)")
        }
        return (a, held[0])
    }

    @Test(.enabled(if: TestPostgres.enabled, TestPostgres.skipReason))
    func twoMatchWorkersStoreTheSegmentsOfOneWorkerAndOfSQLite() async throws {
        guard TestPostgres.serverURL() != nil else { return }
        let expected = try await Self.reference.get()
        #expect(!expected.isEmpty)
        _ = try await TestPostgres.withDatabase { url in
            // Worker a holds its first query with segments, stopped; b does the others; then a goes on.
            let (a, heldByA) = try await Self.stoppedWorker(url, lease: 600)
            let b = try Self.match(url, worker: "b", lease: 600)
            let deadline = Date().addingTimeInterval(300)
            var bMatched = 0
            while bMatched == 0, Date() < deadline, b.process.isRunning {
                let store = try await PostgresCaseStore.open(url, access: .read)
                bMatched = try await store.matchWorkers().first { $0.id == "b" }?.committed ?? 0
                await store.close()
                try await Task.sleep(nanoseconds: 100_000_000)
            }
            kill(a.process.processIdentifier, SIGCONT)
            let endedA = try await PostgresWorkersTests.finish(a, within: 300)
            let endedB = try await PostgresWorkersTests.finish(b, within: 300)
            #expect(endedA.status == 0, "worker a ended with \(endedA.status): \(endedA.stderr)")
            #expect(endedB.status == 0, "worker b ended with \(endedB.status): \(endedB.stderr)")
            let store = try await PostgresCaseStore.open(url, access: .read)
            let divided = try await Self.segments(store)
            let workers = try await store.matchWorkers()
            let queries = try await store.doneFiles().count
            await store.close()
            print("match workers: a held \(heldByA); matched a \(workers.first { $0.id == "a" }?.committed ?? -1), b \(workers.first { $0.id == "b" }?.committed ?? -1)")
            #expect(divided.runs.count == 1, "one match run: \(divided.runs.map(\.id))")
            #expect(workers.map(\.id) == ["a", "b"] && workers.allSatisfy { $0.committed >= 1 && $0.holding.isEmpty && $0.endedAt != nil },
                    "both workers matched queries and stopped: \(workers)")
            #expect(workers.reduce(0) { $0 + $1.committed } == queries, "every query matched once: \(workers.map(\.committed)) of \(queries)")
            #expect(divided.lines == expected, "two workers' segments differ from SQLite's")

            // One worker alone on the same case stores the same segments again (a new run).
            let one = try KeyprintBinary.run(["match", "--db", url, "--worker-id", "solo", "--quiet"])
            #expect(one.status == 0, "\(one.stderr)")
            let again = try await PostgresCaseStore.open(url, access: .read)
            let single = try await Self.segments(again)
            await again.close()
            #expect(single.runs.count == 1 && single.runs[0].id != divided.runs.first?.id)
            #expect(single.lines == divided.lines, "one worker's segments differ from two workers'")
            #expect(one.stdout.contains("\(expected.count) segment(s)"), "\(one.stdout)")
        }
    }

    @Test(.enabled(if: TestPostgres.enabled, TestPostgres.skipReason))
    func aMatchWorkerKilledHoldingAQueryLosesItWhenTheLeaseExpiresAndTheSurvivorStoresTheSameRun() async throws {
        guard TestPostgres.serverURL() != nil else { return }
        let expected = try await Self.reference.get()
        _ = try await TestPostgres.withDatabase { url in
            let (a, heldByA) = try await Self.stoppedWorker(url, lease: 2)
            let b = try Self.match(url, worker: "b", lease: 2)
            // b has matched everything else and waits for a's query (a is stopped, its lease runs out).
            let deadline = Date().addingTimeInterval(300)
            var left = ""
            while left != "1", Date() < deadline, b.process.isRunning {
                left = try Self.scalar(url, "SELECT count(*) FROM shared_match_queries WHERE state <> 'done'")
                try await Task.sleep(nanoseconds: 100_000_000)
            }
            kill(a.process.processIdentifier, SIGKILL)
            _ = try await PostgresWorkersTests.finish(a, within: 60)
            let endedB = try await PostgresWorkersTests.finish(b, within: 300)
            #expect(endedB.status == 0, "the survivor ended with \(endedB.status): \(endedB.stderr)")
            let store = try await PostgresCaseStore.open(url, access: .read)
            let got = try await Self.segments(store)
            let workers = try await store.matchWorkers()
            let queries = try await store.doneFiles().count
            let doneBy = try Self.scalar(url, "SELECT q.done_by FROM shared_match_queries q JOIN files f ON f.id = q.file_id WHERE f.collection || ':' || f.relative_path = '\(heldByA)'")
            let status = try KeyprintBinary.run(["status", "--db", url])
            await store.close()
            print("match workers: a killed holding \(heldByA); b matched \(workers.first { $0.id == "b" }?.committed ?? -1)")
            #expect(got.runs.count == 1)
            #expect(got.lines == expected, "the survivor's run differs from SQLite's")
            #expect(doneBy == "b", "the query the killed worker held was matched by \(doneBy)")
            let committed = workers.map(\.committed)
            #expect(workers.map(\.id) == ["a", "b"] && committed.reduce(0, +) == queries, "every query matched once: \(committed) of \(queries)")
            #expect(workers.first { $0.id == "a" }?.endedAt == nil && workers.first { $0.id == "b" }?.endedAt != nil, "\(workers)")
            // status names both match workers: the survivor stopped, the killed one did not.
            let lines = status.stdout.split(separator: "\n").map(String.init)
            #expect(lines.contains { $0.contains("a: divided match #") && $0.contains("running, or died") && $0.contains("matched \(committed[0]) query file(s)") }, "\(status.stdout)")
            #expect(lines.contains { $0.contains("b: divided match #") && $0.contains("stopped") && $0.contains("matched \(committed[1]) query file(s)") }, "\(status.stdout)")
        }
    }
}
