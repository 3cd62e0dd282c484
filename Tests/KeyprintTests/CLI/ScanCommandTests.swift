import Foundation
import Testing
@testable import KeyprintModel
@testable import KeyprintDecode
@testable import KeyprintHash
@testable import KeyprintIndex
@testable import KeyprintMatch
@testable import KeyprintStore
@testable import KeyprintExport
@testable import KeyprintPipeline

/// `keyprint scan`, `status`, `export frames` and `resume` through the built executable.
@Suite(.serialized) struct ScanCommandTests {
    /// A good video beside zero-byte, truncated, random and text files, a symlink loop and a
    /// name with a newline and non-ASCII characters.
    static func makeMalformedEvidence(_ folder: TemporaryFolder) throws -> String {
        let root = try EvidencePaths.resolveFolder(try folder.sub("seized"))
        let fm = FileManager.default
        try TestVideos.make(root + "/good.mp4", variant: 0)
        try TestVideos.make(root + "/Überwachung\nclip ☃.mp4", variant: 1)
        #expect(fm.createFile(atPath: root + "/empty.mp4", contents: Data()))
        let good = try Data(contentsOf: URL(fileURLWithPath: root + "/good.mp4"))
        #expect(fm.createFile(atPath: root + "/truncated.mp4", contents: good.prefix(good.count / 3)))
        #expect(fm.createFile(atPath: root + "/random.mp4", contents: Data(pseudoRandomBytes(count: 50_000))))
        #expect(fm.createFile(atPath: root + "/notes.txt", contents: Data("Case notes: nothing here.\n".utf8)))
        try fm.createDirectory(atPath: root + "/links", withIntermediateDirectories: true)
        try fm.createSymbolicLink(atPath: root + "/links/loop", withDestinationPath: "loop")
        return root
    }

    @Test func malformedInputIsRecordedFileByFileAndTheScanCompletesWithStatus1() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let root = try Self.makeMalformedEvidence(folder)
        let database = folder.path + "/case.sqlite"
        let result = try KeyprintBinary.run(["scan", root, "--db", database, "--jobs", "2", "--quiet"])
        #expect(result.status == 1, "\(result.stdout)\n\(result.stderr)")
        #expect(result.stdout.contains("Failed files:"))

        let store = try SQLiteCaseStore(path: database, create: false, readOnly: true)
        let files = Dictionary(uniqueKeysWithValues: try await store.files(collection: "seized").map { ($0.relativePath, $0) })
        #expect(files.count == 7)
        func check(_ path: String, _ state: FileState, _ reason: String?) {
            guard let file = files[path] else { Issue.record("\(path) not recorded"); return }
            #expect(file.state == state, "\(path): \(file.state) \(file.error ?? "")")
            if let reason { #expect(file.error?.contains(reason) == true, "\(path): \(file.error ?? "no error")") }
        }
        check("good.mp4", .done, nil)
        check("Überwachung\nclip ☃.mp4", .done, nil)
        check("empty.mp4", .failed, "empty file (0 bytes)")
        check("truncated.mp4", .failed, "MP4/QuickTime")
        check("random.mp4", .failed, "Invalid data found when processing input")
        check("notes.txt", .skipped, "not a video: text")
        check("links/loop", .skipped, "symbolic link loop")
        #expect(files["good.mp4"]?.frameCount == 3)
        #expect(files["good.mp4"]?.media?.codec == "h264")
        #expect(files["Überwachung\nclip ☃.mp4"]?.digests?.sha256 ==
                CustodyHasher.digests(of: Array(try Data(contentsOf: URL(fileURLWithPath: root + "/Überwachung\nclip ☃.mp4")))).sha256)
        // The audit trail names the versions and every file's outcome.
        let audit = try await store.audit(scanID: nil)
        #expect(audit.first?.detail?.contains("Keyprint \(KeyprintVersion.string)") == true)
        #expect(audit.first?.detail?.contains("libavcodec") == true)
        #expect(audit.filter { $0.event == AuditEvent.fileFailed }.count == 3)
    }

    @Test func theEvidenceFolderIsIdenticalAfterAScan() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let root = try Self.makeMalformedEvidence(folder)
        let before = try CLIFixtures.snapshot(root)
        let result = try KeyprintBinary.run(["scan", root, "--db", folder.path + "/case.sqlite", "--quiet"])
        #expect(result.status == 1)
        _ = try KeyprintBinary.run(["export", "frames", "--db", folder.path + "/case.sqlite", "--format", "vpdq", "--output-dir", folder.path + "/vpdq"])
        #expect(try CLIFixtures.snapshot(root) == before)
        #expect(before.count == 9)
    }

    @Test func aDatabaseInsideTheEvidenceFolderIsRefused() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let root = try EvidencePaths.resolveFolder(try folder.sub("evidence"))
        try TestVideos.make(root + "/a.mp4", variant: 0, seconds: 1)
        try FileManager.default.createSymbolicLink(atPath: folder.path + "/shortcut", withDestinationPath: root)
        try FileManager.default.createDirectory(atPath: root + "/deeper", withIntermediateDirectories: true)
        let before = try CLIFixtures.snapshot(root)
        for db in [root + "/case.sqlite", folder.path + "/shortcut/case.sqlite", root + "/deeper/../case.sqlite"] {
            let result = try KeyprintBinary.run(["scan", root, "--db", db, "--quiet"])
            #expect(result.status == 2, "\(db): \(result.stderr)")
            #expect(result.stderr.contains("refusing to write the case database"), "\(result.stderr)")
        }
        #expect(try CLIFixtures.snapshot(root) == before)
    }

    @Test func statusJSONFollowsTheDocumentedSchema() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let root = try Self.makeMalformedEvidence(folder)
        let database = folder.path + "/case.sqlite"
        _ = try KeyprintBinary.run(["scan", root, "--db", database, "--quiet"])
        let status = try KeyprintBinary.run(["status", "--db", database, "--json"])
        #expect(status.status == 0)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
        #expect(Set(document.keys) == ["files", "known_files"])
        let known = try #require(document["known_files"] as? [String: Any])
        #expect(Set(known.keys) == ["evidence_files", "hash_sets", "categories"])
        #expect(known["evidence_files"] as? Int == 0)
        #expect((known["hash_sets"] as? [Any])?.isEmpty == true)
        #expect((known["categories"] as? [Any])?.isEmpty == true)
        let files = try #require(document["files"] as? [[String: Any]])
        #expect(files.count == 7)
        let keys: Set<String> = ["path", "collection", "state", "error", "warning", "frames", "duration_s", "size", "md5", "sha1", "sha256"]
        for file in files {
            #expect(Set(file.keys) == keys)
            let state = try #require(file["state"] as? String)
            #expect(["pending", "running", "done", "failed", "skipped"].contains(state))
            #expect((file["path"] as? String)?.hasPrefix(root + "/") == true)
            #expect(file["collection"] as? String == "seized")
            #expect(file["frames"] is NSNumber)
            if state == "done" {
                #expect((file["duration_s"] as? NSNumber)?.doubleValue ?? 0 > 0)
                #expect((file["sha256"] as? String)?.count == 64 && (file["sha1"] as? String)?.count == 40 && (file["md5"] as? String)?.count == 32)
                #expect(file["error"] is NSNull)
            }
            if state == "failed" || state == "skipped" { #expect((file["error"] as? String)?.isEmpty == false) }
        }
        #expect(files.contains { $0["path"] as? String == root + "/Überwachung\nclip ☃.mp4" && $0["state"] as? String == "done" })

        let human = try KeyprintBinary.run(["status", "--db", database])
        #expect(human.status == 0)
        #expect(human.stdout.contains("seized: 7 files — done 2, failed 3, skipped 2"), "\(human.stdout)")
    }

    @Test func exportWritesCSVAndVPDQFilesThatMatchTheHashCommand() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let root = try EvidencePaths.resolveFolder(try folder.sub("evidence"))
        try FileManager.default.createDirectory(atPath: root + "/sub", withIntermediateDirectories: true)
        try TestVideos.make(root + "/sub/a,b.mp4", variant: 2)
        try TestVideos.make(root + "/=c.mp4", variant: 3)
        let database = folder.path + "/case.sqlite"
        #expect(try KeyprintBinary.run(["scan", root, "--db", database, "--every", "0.5", "--quiet"]).status == 0)

        let csvPath = folder.path + "/frames.csv"
        #expect(try KeyprintBinary.run(["export", "frames", "--db", database, "--output", csvPath]).status == 0)
        let csv = try String(contentsOfFile: csvPath, encoding: .utf8)
        let lines = csv.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        #expect(lines.first == "path,timestamp_s,quality,pdq_hex")
        #expect(lines.count == 1 + 2 * 6)
        #expect(lines.contains { $0.hasPrefix("\"\(root)/sub/a,b.mp4\",0.000,") })

        let dir = folder.path + "/vpdq"
        #expect(try KeyprintBinary.run(["export", "frames", "--db", database, "--format", "vpdq", "--output-dir", dir]).status == 0)
        let exported = try String(contentsOfFile: dir + "/sub__a,b.mp4.txt", encoding: .utf8)
        let direct = try KeyprintBinary.run(["hash", root + "/sub/a,b.mp4", "--every", "0.5"])
        #expect(exported == direct.stdout)
        #expect(FileManager.default.fileExists(atPath: dir + "/=c.mp4.txt"))

        // Exports into the evidence folder are refused.
        let inside = try KeyprintBinary.run(["export", "frames", "--db", database, "--output", root + "/frames.csv"])
        #expect(inside.status == 2)
        #expect(!FileManager.default.fileExists(atPath: root + "/frames.csv"))
    }

    @Test func ctrlCStopsCleanlyAndPrintsTheResumeCommand() async throws {
        try await CLIFixtures.stopsCleanlyAndResumes(after: SIGINT)
    }

    @Test func aFileOverItsTimeBudgetFailsAndTheBatchGoesOn() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let root = try EvidencePaths.resolveFolder(try folder.sub("evidence"))
        try TestVideos.make(root + "/slow.mp4", variant: 0)
        try Data("text\n".utf8).write(to: URL(fileURLWithPath: root + "/after.txt"))
        let database = folder.path + "/case.sqlite"
        // A budget of a millisecond is shorter than opening any video takes.
        let result = try KeyprintBinary.run(["scan", root, "--db", database, "--timeout-per-file", "0.001", "--quiet"])
        #expect(result.status == 1, "\(result.stderr)")
        let files = try await SQLiteCaseStore(path: database, create: false, readOnly: true).files(collection: nil)
        #expect(files.first { $0.relativePath == "slow.mp4" }?.error?.contains("time budget") == true)
        #expect(files.first { $0.relativePath == "after.txt" }?.state == .skipped)
        #expect(result.stdout.contains("slow.mp4: per-file time budget"))
    }

    @Test func aSecondCtrlCExitsAtOnceAndResumeStillCompletes() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let root = try EvidencePaths.resolveFolder(try folder.sub("evidence"))
        for i in 0..<3 { try TestVideos.make(root + "/v\(i).mp4", variant: i, seconds: 6) }
        let reference = folder.path + "/reference.sqlite"
        #expect(try KeyprintBinary.run(["scan", root, "--db", reference, "--all-frames", "--quiet"]).status == 0)
        let database = folder.path + "/case.sqlite"
        let launched = try KeyprintBinary.launch(["scan", root, "--db", database, "--jobs", "2", "--all-frames", "--quiet"])
        defer { if launched.process.isRunning { kill(launched.process.processIdentifier, SIGKILL) } }
        while launched.process.isRunning && !CLIFixtures.hasScan(database) { usleep(20_000) }
        try #require(launched.process.isRunning, "the scan finished before it could be interrupted")
        kill(launched.process.processIdentifier, SIGINT)
        kill(launched.process.processIdentifier, SIGTERM)
        launched.process.waitUntilExit()
        #expect(launched.process.terminationStatus == 130)
        let resumed = try KeyprintBinary.run(["resume", "--db", database, "--quiet"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let rows = Set(try await CLIFixtures.frameRows(database)), expected = Set(try await CLIFixtures.frameRows(reference))
        #expect(rows == expected, "\(expected.subtracting(rows).count) rows missing, \(rows.subtracting(expected).count) unexpected")
        #expect(try await CLIFixtures.frameRows(database).count == 3 * 150)
    }

    @Test func aSecondScanOfTheSameDatabaseIsRefusedWhileOneRuns() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let root = try EvidencePaths.resolveFolder(try folder.sub("evidence"))
        try TestVideos.make(root + "/a.mp4", variant: 0, seconds: 1)
        let database = folder.path + "/case.sqlite"
        var store: SQLiteCaseStore? = try SQLiteCaseStore(path: database)
        var lock: ScanLease? = try await store?.acquireScanLock()
        let refused = try KeyprintBinary.run(["scan", root, "--db", database, "--quiet"])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("another keyprint scan is working on this case database"))
        // The lock is on the file, not the name: a hard link to the database meets it too.
        let alias = folder.path + "/alias.sqlite"
        try FileManager.default.linkItem(atPath: database, toPath: alias)
        let viaLink = try KeyprintBinary.run(["scan", root, "--db", alias, "--quiet"])
        #expect(viaLink.status == 2)
        #expect(viaLink.stderr.contains("another keyprint scan is working on this case database"))
        lock?.release()
        lock = nil
        store = nil
        #expect(try KeyprintBinary.run(["scan", root, "--db", database, "--quiet"]).status == 0)
    }
}
