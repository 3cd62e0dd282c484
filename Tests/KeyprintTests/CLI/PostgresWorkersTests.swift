import Foundation
import Testing
@testable import KeyprintModel
@testable import KeyprintStore
@testable import KeyprintStorePostgres

/// Several real `keyprint scan` processes on one PostgreSQL case: one is SIGKILLed while it holds
/// a file's lease; the others take that file when the lease expires and finish. The case then
/// equals one uninterrupted SQLite scan of the same folder, and each file committed once.
@Suite(.serialized) struct PostgresWorkersTests {
    static func scan(_ url: String, worker: String) throws -> KeyprintBinary.Launched {
        try KeyprintBinary.launch(["scan", KeyprintBinary.packageRoot + "/samples", "--db", url, "--jobs", "1",
                                   "--worker-id", worker, "--lease-seconds", "2", "--quiet"])
    }

    /// The files `worker` holds under a live lease, read afresh (empty before the schema exists).
    static func held(_ url: String, by worker: String) async -> [String] {
        guard let store = try? await PostgresCaseStore.open(url, access: .read) else { return [] }
        let held = (try? await store.held(by: worker)) ?? []
        await store.close()
        return held
    }

    /// Waits for a process, failing (and killing it) when it runs for more than `seconds`.
    static func finish(_ run: KeyprintBinary.Launched, within seconds: Double) async throws -> (status: Int32, stderr: String) {
        let deadline = Date().addingTimeInterval(seconds)
        while run.process.isRunning, Date() < deadline { try await Task.sleep(nanoseconds: 100_000_000) }
        if run.process.isRunning {
            kill(run.process.processIdentifier, SIGKILL)
            Issue.record("a worker still ran after \(seconds) s")
        }
        // --quiet: what it writes fits in the pipe, so it is read once it ended.
        let err = String(decoding: run.err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        run.process.waitUntilExit()
        return (run.process.terminationStatus, err)
    }

    @Test(.enabled(if: TestPostgres.enabled, TestPostgres.skipReason))
    func threeWorkersOneKilledMidFileEqualOneSQLiteScanAndNoFileCommitsTwice() async throws {
        guard TestPostgres.serverURL() != nil else { return }
        let expected = try await PostgresScanTests.reference.get()
        _ = try await TestPostgres.withDatabase { url in
            let victim = try Self.scan(url, worker: "w2")
            let survivors = [try Self.scan(url, worker: "w1"), try Self.scan(url, worker: "w3")]
            // Wait until the victim holds a lease; stop it, and kill it only if it still holds one
            // (it may have committed between the look and the stop; then it goes on).
            // One session polls (a new connection per look took longer than a file's lease is
            // held on a loaded machine, and the victim finished unseen).
            var killedHolding: String?
            var poller: PostgresCaseStore?
            let deadline = Date().addingTimeInterval(300)
            while killedHolding == nil, Date() < deadline, victim.process.isRunning {
                if poller == nil { poller = try? await PostgresCaseStore.open(url, access: .read) }
                guard let poller, let now = try? await poller.held(by: "w2"), !now.isEmpty else {
                    try await Task.sleep(nanoseconds: 5_000_000)
                    continue
                }
                let pid = victim.process.processIdentifier
                kill(pid, SIGSTOP)
                if let file = (try? await poller.held(by: "w2"))?.first {
                    kill(pid, SIGKILL)
                    killedHolding = file
                } else {
                    kill(pid, SIGCONT)
                }
            }
            await poller?.close()
            let killed = try await Self.finish(victim, within: 60)
            print("workers: w2 killed holding \(killedHolding ?? "nothing")")
            #expect(killedHolding != nil, "the victim never held a lease while running (status \(killed.status): \(killed.stderr))")
            for survivor in survivors {
                let ended = try await Self.finish(survivor, within: 600)
                #expect(ended.status == 0, "a surviving worker ended with \(ended.status): \(ended.stderr)")
            }
            let store = try await PostgresCaseStore.open(url, access: .read)
            let got = try await PostgresScanTests.contents(store)
            let differing = got.filter { expected[$0.key] != $0.value }.keys.sorted()
            let missing = Set(expected.keys).subtracting(got.keys).sorted()
            #expect(got == expected, "the case differs from one SQLite scan: \(differing), missing \(missing)")
            // Each file's outcome committed exactly once (one done/failed/skipped line per file).
            let outcomes: Set<String> = [AuditEvent.fileDone, AuditEvent.fileFailed, AuditEvent.fileSkipped]
            var commits: [Int64: Int] = [:]
            for entry in try await store.audit(scanID: nil) where outcomes.contains(entry.event) {
                if let id = entry.fileID { commits[id, default: 0] += 1 }
            }
            let files = try await store.files(collection: nil)
            #expect(commits.count == files.count, "\(commits.count) files committed, \(files.count) in the case")
            #expect(commits.values.allSatisfy { $0 == 1 }, "committed twice: \(commits.filter { $0.value > 1 })")
            // The file the victim held was finished by a survivor, and nothing is leased any more.
            if let killedHolding {
                let state = files.first { $0.relativePath == killedHolding }?.state
                #expect(state != nil && state != .pending && state != .running, "\(killedHolding) was not finished")
            }
            let workers = try await store.workers()
            #expect(workers.map(\.id) == ["w1", "w2", "w3"])
            #expect(workers.allSatisfy { $0.holding.isEmpty })
            #expect(workers.filter { $0.endedAt != nil }.map(\.id) == ["w1", "w3"], "only the survivors stopped cleanly")
            await store.close()
        }
    }

    /// `status` names each worker with its last heartbeat and the file it holds.
    @Test(.enabled(if: TestPostgres.enabled, TestPostgres.skipReason))
    func statusShowsWorkersWithTheirHeartbeatAndWhatEachHolds() async throws {
        _ = try await TestPostgres.withDatabase { url in
            let store = try await PostgresCaseStore.open(url, access: .write)
            let settings = ScanSettings(sampling: .defaultInterval, timeBudget: 600, jobs: 1)
            let scan = try await store.beginScan(root: "/evidence", collection: "c", settings: settings, commandLine: "test", versions: "test")
            try await store.registerWorker("lab-a", scanID: scan.id)
            try await store.registerWorker("lab-b", scanID: scan.id)
            let ids = try await store.markPendingShared(collection: "c", root: "/evidence", files: [
                WalkedFile(relativePath: "one.mp4", stamp: FileStamp(size: 1, mtimeNanoseconds: 1), seenVersion: nil),
                WalkedFile(relativePath: "two.mp4", stamp: FileStamp(size: 2, mtimeNanoseconds: 2), seenVersion: nil),
            ], scanID: scan.id)
            #expect(ids.allSatisfy { $0 != nil })
            #expect(try await store.claimNext(collection: "c", worker: "lab-a", leaseSeconds: 600)?.relativePath == "one.mp4")
            // A file under a live lease is not claimed again; the next one is.
            #expect(try await store.claimNext(collection: "c", worker: "lab-b", leaseSeconds: 600)?.relativePath == "two.mp4")
            #expect(try await store.claimNext(collection: "c", worker: "lab-b", leaseSeconds: 600) == nil)
            try await store.releaseLeases(worker: "lab-b")
            await store.close()
            let status = try KeyprintBinary.run(["status", "--db", url])
            #expect(status.status == 0, "\(status.stderr)")
            let lines = status.stdout.split(separator: "\n").map(String.init)
            let a = lines.first { $0.contains("lab-a:") } ?? ""
            let b = lines.first { $0.contains("lab-b:") } ?? ""
            #expect(a.contains("scan #\(scan.id)") && a.contains("last heartbeat 20") && a.contains("holds one.mp4") && a.contains("running"), "\(status.stdout)")
            #expect(b.contains("stopped") && b.contains("holds nothing"), "\(status.stdout)")
        }
    }
}
