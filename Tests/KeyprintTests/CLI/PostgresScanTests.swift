import Foundation
import Testing
@testable import KeyprintModel
@testable import KeyprintStore
@testable import KeyprintStorePostgres
@testable import KeyprintPipeline

/// Real `keyprint` processes on a PostgreSQL case database: the result equals a SQLite scan of
/// the same folder, the password stays out of what is recorded and printed, and a server that
/// goes away mid-scan stops the scan with exit status 3, after which `resume` completes it.
@Suite(.serialized) struct PostgresScanTests {
    /// What a case holds that must not depend on the backend or on interruptions: per file,
    /// its state, custody digests, frame count and every frame's hashes.
    static func contents(_ store: any CaseStore) async throws -> [String: String] {
        var out: [String: String] = [:]
        for file in try await store.files(collection: nil) {
            let frames = try await store.frames(fileID: file.id).map { "\($0.index)@\($0.timestamp) q\($0.quality) \($0.hash.hex) \($0.mirrorHash.hex)" }
            let regions = try await store.regionFrames(fileID: file.id).map { "\($0.index) \($0.hash.hex)" }
            let d = file.digests
            out[file.collection + "/" + file.relativePath] = "\(file.state.rawValue) \(d?.md5 ?? "-") \(d?.sha1 ?? "-") \(d?.sha256 ?? "-") "
                + "n=\(file.frameCount) [\(frames.joined(separator: ", "))] regions [\(regions.joined(separator: ", "))] \(file.error ?? "")"
        }
        return out
    }

    /// One SQLite scan of samples/, made once.
    actor Reference {
        var value: [String: String]?
        func get() async throws -> [String: String] {
            if let value { return value }
            let folder = try TemporaryFolder()
            defer { folder.remove() }
            let database = folder.path + "/reference.sqlite"
            let run = try KeyprintBinary.run(["scan", KeyprintBinary.packageRoot + "/samples", "--db", database, "--quiet"])
            guard run.status == 0 else { throw TestToolError(message: "the reference SQLite scan ended with \(run.status): \(run.stderr)") }
            let made = try await PostgresScanTests.contents(try SQLiteCaseStore(path: database, mode: .readOnly))
            value = made
            return made
        }
    }
    static let reference = Reference()

    @Test(.enabled(if: TestPostgres.enabled, TestPostgres.skipReason))
    func aScanEqualsTheSQLiteScanAndThePasswordIsNeverRecorded() async throws {
        guard let admin = TestPostgres.serverURL() else { return }
        let expected = try await Self.reference.get()
        let server = try PostgresLocation(admin)
        let role = "keyprint_scan_\(UInt32.random(in: 0...UInt32.max))"
        let password = "pw-\(UUID().uuidString)"
        _ = try await TestPostgres.withDatabase { url in
            let name = try PostgresLocation(url).database
            try await PostgresCaseStore.executeRaw(url: admin, ["CREATE ROLE \(role) LOGIN PASSWORD '\(password)'", "ALTER DATABASE \(name) OWNER TO \(role)"])
            let withPassword = "postgres://\(role):\(password)@127.0.0.1:\(server.port)/\(name)"
            let scan = try KeyprintBinary.run(["scan", KeyprintBinary.packageRoot + "/samples", "--db", withPassword, "--quiet"])
            #expect(scan.status == 0, "\(scan.stderr)")
            let status = try KeyprintBinary.run(["status", "--db", withPassword])
            #expect(status.status == 0, "\(status.stderr)")
            for output in [scan.stdout, scan.stderr, status.stdout, status.stderr] { #expect(!output.contains(password)) }
            let store = try await PostgresCaseStore.open(url, access: .read)
            let audit = try await store.audit(scanID: nil)
            #expect(!audit.isEmpty)
            #expect(audit.allSatisfy { !($0.detail ?? "").contains(password) }, "the password is in the audit trail")
            #expect(try await store.scans().allSatisfy { !$0.commandLine.contains(password) })
            #expect(try await store.scans().first?.commandLine.contains("postgres://\(role)@") == true)
            let got = try await Self.contents(store)
            #expect(got == expected, "PostgreSQL and SQLite scans differ: \(Set(got.keys).symmetricDifference(expected.keys))")
            await store.close()
            try await PostgresCaseStore.executeRaw(url: admin, ["ALTER DATABASE \(name) OWNER TO postgres"])
        }
        try? await PostgresCaseStore.executeRaw(url: admin, ["DROP ROLE IF EXISTS \(role)"])
    }

    /// A cluster of its own (the other tests keep theirs running), stopped while a scan runs.
    @Test(.enabled(if: TestPostgres.enabled, TestPostgres.skipReason))
    func aServerThatGoesAwayMidScanStopsItAndResumeCompletesIt() async throws {
        guard TestPostgres.serverURL() != nil else { return }
        let expected = try await Self.reference.get()
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let cluster = folder.path + "/cluster"
        let script = KeyprintBinary.packageRoot + "/scripts/pg-cluster"
        /// scripts/pg-cluster through posix_spawn and waitpid: Foundation's Process waits for ever
        /// on a child whose grandchild (the server) lives on.
        func pgCluster(_ command: String) throws -> String {
            let outPath = folder.path + "/pg-cluster.out"
            let line = "'\(script)' \(command) '\(cluster)' >'\(outPath)' </dev/null"
            var pid: pid_t = 0
            let words: [String] = ["/bin/sh", "-c", line]
            let argv: [UnsafeMutablePointer<CChar>?] = words.map { word in word.withCString { strdup($0) } } + [nil]
            defer { argv.forEach { free($0) } }
            guard posix_spawn(&pid, "/bin/sh", nil, nil, argv, environ) == 0 else { throw TestToolError(message: "cannot start scripts/pg-cluster") }
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            guard status == 0 else { throw TestToolError(message: "scripts/pg-cluster \(command) failed (\(status))") }
            let data = FileManager.default.contents(atPath: outPath) ?? Data()
            return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        let url = try pgCluster("start")
        defer { _ = try? pgCluster("stop") }
        // A short lease: resume (another worker id) takes the file the stopped scan held soon after.
        let scan = try KeyprintBinary.launch(["scan", KeyprintBinary.packageRoot + "/samples", "--db", url, "--jobs", "1", "--lease-seconds", "2", "--quiet"])
        // Wait until some files are done, then take the server away under the running scan.
        var done = 0
        let deadline = Date().addingTimeInterval(120)
        while done < 3, Date() < deadline, scan.process.isRunning {
            try await Task.sleep(nanoseconds: 100_000_000)
            let store = try? await PostgresCaseStore.open(url, access: .read)
            let counts: [StateCount] = (try? await store?.stateCounts()) ?? []
            done = counts.filter { $0.state == .done }.reduce(0) { $0 + $1.count }
            await store?.close()
        }
        #expect(scan.process.isRunning, "the scan ended before the server could be stopped (done \(done))")
        _ = try pgCluster("server-stop")
        let err = scan.err.fileHandleForReading.readDataToEndOfFile()
        scan.process.waitUntilExit()
        let message = String(decoding: err, as: UTF8.self)
        #expect(scan.process.terminationStatus == 3, "status \(scan.process.terminationStatus): \(message)")
        #expect(message.contains("PostgreSQL server at 127.0.0.1:"), "\(message)")
        _ = try pgCluster("server-start")
        let store = try await PostgresCaseStore.open(url, access: .read)
        let partial = try await store.stateCounts().filter { $0.state == .done }.reduce(0) { $0 + $1.count }
        let expectedDone = expected.values.filter { $0.hasPrefix("done") }.count
        #expect(partial < expectedDone, "every file was done before the server went away")
        let resume = try KeyprintBinary.run(["resume", "--db", url, "--quiet"])
        #expect(resume.status == 0, "\(resume.stderr)")
        let got = try await Self.contents(store)
        #expect(got == expected, "after resume the case differs from one SQLite scan: \(got.filter { expected[$0.key] != $0.value }.keys.sorted())")
        await store.close()
    }
}
