import Foundation
import Testing
@testable import KeyprintModel
@testable import KeyprintStore
@testable import KeyprintPipeline
#if canImport(Glibc)
import Glibc
#endif

/// What a first-time user met (issue #12, item 4): each situation says what it is.
@Suite struct FirstUseTests {
    @Test func statusListsSkippedFilesWithTheirReasons() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let root = try EvidencePaths.resolveFolder(try folder.sub("evidence"))
        #expect(FileManager.default.createFile(atPath: root + "/notes.txt", contents: Data("Case notes.\n".utf8)))
        try TestVideos.make(root + "/clip.mp4", variant: 0, seconds: 1)
        let database = folder.path + "/case.sqlite"
        #expect(try KeyprintBinary.run(["scan", root, "--db", database, "--quiet"]).status == 0)
        let status = try KeyprintBinary.run(["status", "--db", database])
        #expect(status.status == 0)
        #expect(status.stdout.contains("  skipped:\n    \(root)/notes.txt: not a video: text"), "\(status.stdout)")
    }

    @Test func anEmptyFolderAndAnEmptyCaseSaySo() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let root = try EvidencePaths.resolveFolder(try folder.sub("empty"))
        let database = folder.path + "/case.sqlite"
        let scan = try KeyprintBinary.run(["scan", root, "--db", database, "--quiet"])
        #expect(scan.status == 0)
        #expect(scan.stdout.contains("holds no files: nothing was scanned"), "\(scan.stdout)")
        let match = try KeyprintBinary.run(["match", "--db", database, "--quiet"])
        #expect(match.status == 2)
        #expect(match.stderr.contains("nothing to match: no file of \(database) is done"), "\(match.stderr)")
    }

    @Test func aSecondFolderIntoTheSameCollectionWarns() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let first = try EvidencePaths.resolveFolder(try folder.sub("a/evidence"))
        let second = try EvidencePaths.resolveFolder(try folder.sub("b/evidence"))
        #expect(FileManager.default.createFile(atPath: first + "/one.txt", contents: Data("1\n".utf8)))
        #expect(FileManager.default.createFile(atPath: second + "/two.txt", contents: Data("2\n".utf8)))
        let database = folder.path + "/case.sqlite"
        let scanFirst = try KeyprintBinary.run(["scan", first, "--db", database, "--quiet"])
        #expect(scanFirst.status == 0 && !scanFirst.stderr.contains("warning"))
        let scanSecond = try KeyprintBinary.run(["scan", second, "--db", database, "--quiet"])
        #expect(scanSecond.status == 0)
        #expect(scanSecond.stderr.contains("warning: collection evidence already holds files scanned from \(first)"), "\(scanSecond.stderr)")
        let apart = try KeyprintBinary.run(["scan", second, "--db", database, "--quiet", "--collection", "second"])
        #expect(!apart.stderr.contains("warning"))
    }

    @Test func resumeSaysWhichScanItContinues() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let root = try EvidencePaths.resolveFolder(try folder.sub("evidence"))
        for i in 0..<3 { try TestVideos.make(root + "/v\(i).mp4", variant: i, seconds: 6) }
        let database = folder.path + "/case.sqlite"
        let launched = try KeyprintBinary.launch(["scan", root, "--db", database, "--jobs", "1", "--all-frames", "--quiet",
                                                  "--timeout-per-file", "300"])
        while launched.process.isRunning && CLIFixtures.doneCount(database) < 1 { usleep(20_000) }
        try #require(launched.process.isRunning, "the scan finished before it could be killed")
        kill(launched.process.processIdentifier, SIGKILL)
        launched.process.waitUntilExit()
        let resumed = try KeyprintBinary.run(["resume", "--db", database])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stderr.contains("resuming scan #1 of collection evidence in \(root), started "), "\(resumed.stderr)")
        #expect(resumed.stderr.contains("sampling all frames, regions on, 300 s per file, 1 job(s)"), "\(resumed.stderr)")
    }
}
