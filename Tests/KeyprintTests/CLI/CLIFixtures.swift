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

/// Folders of evidence for the command-line tests, and ways to read their results.
enum CLIFixtures {
    /// A row of the frames table as the comparison sees it.
    struct FrameRow: Hashable, CustomStringConvertible {
        var path: String
        var index: Int
        var timestamp: Double
        var quality: Int
        var hash: String
        var mirror: String
        var description: String { "\(path)#\(index)@\(timestamp) q\(quality) \(hash)" }
    }

    /// Every frame row of a database, as a list (duplicates would show in its count).
    static func frameRows(_ databasePath: String) async throws -> [FrameRow] {
        let store = try SQLiteCaseStore(path: databasePath, create: false, readOnly: true)
        var rows: [FrameRow] = []
        for file in try await store.files(collection: nil) {
            for frame in try await store.frames(fileID: file.id) {
                rows.append(FrameRow(path: file.relativePath, index: frame.index, timestamp: frame.timestamp, quality: frame.quality,
                                     hash: frame.hash.hex, mirror: frame.mirrorHash.hex))
            }
        }
        return rows
    }

    /// File states and digests by relative path.
    static func fileSummary(_ databasePath: String) async throws -> [String: String] {
        let store = try SQLiteCaseStore(path: databasePath, create: false, readOnly: true)
        var out: [String: String] = [:]
        for file in try await store.files(collection: nil) {
            out[file.relativePath] = "\(file.state.rawValue) \(file.digests?.sha256 ?? "-") frames=\(file.frameCount) \(file.error ?? "")"
        }
        return out
    }

    /// Files done so far, read while another process writes (WAL lets a reader in). Synchronous,
    /// so that a polling loop sees the other process's progress however busy the test runner is.
    static func doneCount(_ databasePath: String) -> Int {
        guard FileManager.default.fileExists(atPath: databasePath),
              let counts = try? SQLiteCaseStore.peek(path: databasePath).counts else { return 0 }
        return counts.filter { $0.state == .done }.reduce(0) { $0 + $1.count }
    }

    /// True when a scan run has been recorded (the process may have been killed before).
    static func hasScan(_ databasePath: String) -> Bool {
        guard FileManager.default.fileExists(atPath: databasePath),
              let scans = try? SQLiteCaseStore.peek(path: databasePath).scans else { return false }
        return scans > 0
    }

    /// size, modification time, SHA-256 (or link target) of every entry under `root`, folders included.
    static func snapshot(_ root: String) throws -> [String: String] {
        var out: [String: String] = [:]
        func visit(_ relative: String) throws {
            let path = relative.isEmpty ? root : root + "/" + relative
            var info = stat()
            guard lstat(path, &info) == 0 else { throw TestToolError(message: "lstat \(path) failed") }
            let stamp = EvidenceWalker.stamp(info)
            var line = "mode=\(info.st_mode) size=\(stamp.size) mtime=\(stamp.mtimeNanoseconds)"
            switch info.st_mode & S_IFMT {
            case S_IFDIR:
                let names = try FileManager.default.contentsOfDirectory(atPath: path).sorted()
                line += " entries=\(names)"
                out[relative] = line
                for name in names { try visit(relative.isEmpty ? name : relative + "/" + name) }
                return
            case S_IFREG:
                line += " sha256=" + CustodyHasher.digests(of: Array(try Data(contentsOf: URL(fileURLWithPath: path)))).sha256
            case S_IFLNK:
                line += " target=" + ((try? FileManager.default.destinationOfSymbolicLink(atPath: path)) ?? "?")
            default: break
            }
            out[relative] = line
        }
        try visit("")
        return out
    }

    /// A `--jobs 1` scan of four videos stopped by `signal` once a file is done: it must end
    /// within 30 s with status 130, print how to resume, leave the scan `interrupted` and every
    /// file done or pending, and `resume` must complete it.
    static func stopsCleanlyAndResumes(after signal: Int32) async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let root = try EvidencePaths.resolveFolder(try folder.sub("evidence"))
        for i in 0..<4 { try TestVideos.make(root + "/v\(i).mp4", variant: i, seconds: 6) }
        let database = folder.path + "/case.sqlite"
        let launched = try KeyprintBinary.launch(["scan", root, "--db", database, "--jobs", "1", "--all-frames", "--quiet"])
        defer { if launched.process.isRunning { kill(launched.process.processIdentifier, SIGKILL) } }
        while launched.process.isRunning && doneCount(database) < 1 { usleep(20_000) }
        try #require(launched.process.isRunning, "the scan finished before it could be interrupted")
        kill(launched.process.processIdentifier, signal)
        #expect(SignalTests.waitForExit(launched.process, seconds: 30), "the first signal \(signal) did not stop the scan")
        let err = String(decoding: launched.err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(launched.process.terminationStatus == 130)
        #expect(err.contains("Interrupted. Resume with: keyprint resume --db \(database)"))
        let store = try SQLiteCaseStore(path: database, create: false, readOnly: true)
        #expect(try await store.scans().last?.outcome == .interrupted)
        #expect(try await store.files(collection: nil).allSatisfy { $0.state == .done || $0.state == .pending })
        let resumed = try KeyprintBinary.run(["resume", "--db", database, "--quiet"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(try await store.stateCounts() == [StateCount(collection: "evidence", state: .done, count: 4)])
    }
}
