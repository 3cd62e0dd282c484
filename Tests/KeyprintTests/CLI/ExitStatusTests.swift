import Foundation
import Testing
@testable import KeyprintStore
@testable import KeyprintPipeline

/// README's exit-status table, through the built executable: every code in it, for every
/// command family, whichever layer finds the problem (ArgumentParser, the command, the store).
@Suite(.serialized) struct ExitStatusTests {
    /// One short video scanned and matched, shared by the suite.
    struct Case {
        var folder: TemporaryFolder
        var root: String
        var database: String
        var video: String
    }

    static let sharedRoot = FileManager.default.temporaryDirectory.path + "/keyprint-exit-test-\(getpid())"

    static let shared: Result<Case, any Error> = Result {
        try FileManager.default.createDirectory(atPath: sharedRoot, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(atPath: ExitStatusTests.sharedRoot) }
        let folder = TemporaryFolder(existing: sharedRoot)
        let root = try EvidencePaths.resolveFolder(try folder.sub("evidence"))
        try TestVideos.make(root + "/a.mp4", variant: 0)
        let database = folder.path + "/case.sqlite"
        let scan = try KeyprintBinary.run(["scan", root, "--db", database, "--quiet"])
        guard scan.status == 0 else { throw TestToolError(message: "scan exited \(scan.status): \(scan.stderr)") }
        let match = try KeyprintBinary.run(["match", "--db", database, "--quiet"])
        guard match.status == 0 else { throw TestToolError(message: "match exited \(match.status): \(match.stderr)") }
        return Case(folder: folder, root: root, database: database, video: root + "/a.mp4")
    }

    static func fixture() throws -> Case { try shared.get() }

    /// Runs keyprint and checks its status; returns the run for further checks.
    @discardableResult
    static func expectStatus(_ expected: Int32, _ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) throws -> KeyprintBinary.Run {
        let run = try KeyprintBinary.run(arguments)
        #expect(run.status == expected && !run.signalled, "keyprint \(arguments.joined(separator: " ")) → \(run.status)\n\(run.stderr)",
                sourceLocation: sourceLocation)
        if expected != 0 && expected != 1 {  // 1: the failed files are listed on stdout
            #expect(!run.stderr.isEmpty, "keyprint \(arguments.joined(separator: " ")) said nothing on stderr", sourceLocation: sourceLocation)
        }
        return run
    }

    /// `| \`N\` | meaning |` rows of README.md's exit-status table.
    static func readmeTable() throws -> [(code: String, meaning: String)] {
        let readme = try String(contentsOf: TestPaths.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
        return readme.split(separator: "\n").compactMap { line in
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count == 4, cells[1].hasPrefix("`"), cells[1].hasSuffix("`"), Int(cells[1].dropFirst().dropLast()) != nil else { return nil }
            return (String(cells[1].dropFirst().dropLast()), cells[2])
        }
    }

    static func collapsed(_ text: String) -> String {
        text.split(whereSeparator: { $0 == " " || $0 == "\n" }).joined(separator: " ")
    }

    @Test func theREADMETableIsTheOneInHelp() throws {
        let table = try Self.readmeTable()
        #expect(table.map(\.code) == ["0", "1", "2", "3", "130"])
        let help = try KeyprintBinary.run(["--help"])
        #expect(help.status == 0)
        let text = Self.collapsed(help.stdout)
        for row in table { #expect(text.contains("\(row.code) \(row.meaning)"), "README's row \(row.code) is not in keyprint --help") }
        // Each command's help lists the codes it can end with.
        for command in [["scan"], ["resume"]] {
            let sub = Self.collapsed(try KeyprintBinary.run(command + ["--help"]).stdout)
            for row in table { #expect(sub.contains("\(row.code) \(row.meaning)"), "\(command) --help lacks \(row.code)") }
        }
        for command in [["hash"], ["status"], ["match"], ["export", "timeline"], ["export", "frames"], ["report"]] {
            let sub = Self.collapsed(try KeyprintBinary.run(command + ["--help"]).stdout)
            for row in table where ["0", "2", "3"].contains(row.code) {
                #expect(sub.contains("\(row.code) \(row.meaning)"), "\(command) --help lacks \(row.code)")
            }
            #expect(!sub.contains("1 some files failed"), "\(command) --help lists 1")
        }
    }

    @Test func commandNamesAndHelpTopics() throws {
        try Self.expectStatus(0, ["--help"])
        try Self.expectStatus(0, ["--version"])
        try Self.expectStatus(0, ["help", "match"])
        try Self.expectStatus(0, ["help", "export", "frames"])
        let nosuch = try Self.expectStatus(2, ["help", "nosuch"])
        #expect(nosuch.stderr.contains("nosuch") && nosuch.stdout.isEmpty)
        try Self.expectStatus(2, ["help", "export", "nosuch"])
        try Self.expectStatus(2, ["nosuch"])
        try Self.expectStatus(2, ["nosuch", "--help"])
        try Self.expectStatus(2, ["export", "nosuch"])
        try Self.expectStatus(2, [])
        try Self.expectStatus(2, ["export"])
    }

    @Test func hash() throws {
        let fixture = try Self.fixture()
        let ok = try Self.expectStatus(0, ["hash", fixture.video])
        #expect(ok.stdout.split(separator: "\n").count == 3)
        try Self.expectStatus(2, ["hash", fixture.video, "--every", "0"])
        try Self.expectStatus(2, ["hash", fixture.video, "--keyframes-only", "--all-frames"])
        try Self.expectStatus(2, ["hash", fixture.video, "--no-such-flag"])
        try Self.expectStatus(2, ["hash", fixture.video, "--luma-size", "10x10"])
        try Self.expectStatus(2, ["hash"])
        try Self.expectStatus(3, ["hash", fixture.folder.path + "/missing.mp4"])
        try Self.expectStatus(3, ["hash", fixture.database])
    }

    @Test func scan() async throws {
        let fixture = try Self.fixture()
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let root = try EvidencePaths.resolveFolder(try folder.sub("evidence"))
        try TestVideos.make(root + "/good.mp4", variant: 1, seconds: 1)
        try Self.expectStatus(0, ["scan", root, "--db", folder.path + "/ok.sqlite", "--quiet"])
        #expect(FileManager.default.createFile(atPath: root + "/empty.mp4", contents: Data()))
        try Self.expectStatus(1, ["scan", root, "--db", folder.path + "/failed.sqlite", "--quiet"])
        try Self.expectStatus(2, ["scan", root, "--db", folder.path + "/x.sqlite", "--jobs", "0"])
        try Self.expectStatus(2, ["scan", root, "--db", folder.path + "/x.sqlite", "--collection", ""])
        try Self.expectStatus(2, ["scan", root, "--db", folder.path + "/x.sqlite", "--no-such-flag"])
        try Self.expectStatus(2, ["scan", root])
        try Self.expectStatus(2, ["scan", root, "--db", root + "/inside.sqlite", "--quiet"])
        try Self.expectStatus(2, ["scan", root + "/good.mp4", "--db", folder.path + "/x.sqlite", "--quiet"])
        try Self.expectStatus(2, ["scan", root, "--db", "postgres://host/case", "--quiet"])
        try Self.expectStatus(3, ["scan", folder.path + "/no-such-folder", "--db", folder.path + "/x.sqlite", "--quiet"])
        let damaged = folder.path + "/damaged.sqlite"
        #expect(FileManager.default.createFile(atPath: damaged, contents: Data(pseudoRandomBytes(count: 8192))))
        try Self.expectStatus(3, ["scan", root, "--db", damaged, "--quiet"])
        try Self.expectStatus(3, ["scan", root, "--db", folder.path + "/no-such-folder/case.sqlite", "--quiet"])
        _ = fixture
    }

    @Test func resume() async throws {
        let fixture = try Self.fixture()
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let done = try Self.expectStatus(0, ["resume", "--db", fixture.database, "--quiet"])
        #expect(done.stdout.contains("Nothing to resume"))
        let empty = folder.path + "/empty.sqlite"
        _ = try SQLiteCaseStore(path: empty, mode: .create)
        try Self.expectStatus(2, ["resume", "--db", empty])
        try Self.expectStatus(2, ["resume"])
        try Self.expectStatus(2, ["resume", "--db", fixture.database, "--no-such-flag"])
        try Self.expectStatus(3, ["resume", "--db", folder.path + "/missing.sqlite"])
    }

    @Test func status() throws {
        let fixture = try Self.fixture()
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let ok = try Self.expectStatus(0, ["status", "--db", fixture.database])
        #expect(ok.stdout.contains("evidence: 1 files — done 1"))
        try Self.expectStatus(0, ["status", "--db", fixture.database, "--json"])
        try Self.expectStatus(2, ["status"])
        try Self.expectStatus(2, ["status", "--db"])
        let missing = try Self.expectStatus(3, ["status", "--db", folder.path + "/missing.sqlite"])
        #expect(missing.stderr.contains("no case database"))
        let damaged = folder.path + "/damaged.sqlite"
        #expect(FileManager.default.createFile(atPath: damaged, contents: Data(pseudoRandomBytes(count: 8192))))
        try Self.expectStatus(3, ["status", "--db", damaged])
    }

    @Test func match() throws {
        let fixture = try Self.fixture()
        let ok = try Self.expectStatus(0, ["match", "--db", fixture.database, "--quiet"])
        #expect(ok.stdout.contains("segment(s) linking") && !ok.stderr.contains("warning"))
        try Self.expectStatus(2, ["match", "--db", fixture.database, "--threshold", "200"])
        try Self.expectStatus(2, ["match", "--db", fixture.database, "--min-duration", "-1"])
        try Self.expectStatus(2, ["match", "--db", fixture.database, "--reference", "no-such-collection"])
        try Self.expectStatus(2, ["match"])
        try Self.expectStatus(3, ["match", "--db", fixture.folder.path + "/missing.sqlite"])
    }

    @Test func exports() throws {
        let fixture = try Self.fixture()
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try Self.expectStatus(0, ["export", "timeline", "--db", fixture.database, "--output", folder.path + "/t.csv"])
        try Self.expectStatus(0, ["export", "timeline", "--db", fixture.database, "--output", "-"])
        try Self.expectStatus(0, ["export", "frames", "--db", fixture.database, "--output", folder.path + "/f.csv"])
        try Self.expectStatus(0, ["export", "frames", "--db", fixture.database, "--format", "vpdq", "--output-dir", folder.path + "/vpdq"])
        try Self.expectStatus(2, ["export", "timeline", "--db", fixture.database])
        try Self.expectStatus(2, ["export", "timeline", "--db", fixture.database, "--output", fixture.root + "/t.csv"])
        try Self.expectStatus(2, ["export", "frames", "--db", fixture.database, "--format", "vpdq"])
        try Self.expectStatus(2, ["export", "frames", "--db", fixture.database, "--format", "tsv", "--output", "-"])
        try Self.expectStatus(2, ["export", "frames", "--db", fixture.database, "--format", "vpdq", "--output-dir", fixture.root + "/v"])
        try Self.expectStatus(2, ["export", "frames", "--db", fixture.database, "--output", folder.path])
        try Self.expectStatus(2, ["export", "timeline", "--db", fixture.database, "--output", fixture.database])
        try Self.expectStatus(3, ["export", "timeline", "--db", folder.path + "/missing.sqlite", "--output", "-"])
        try Self.expectStatus(3, ["export", "frames", "--db", folder.path + "/missing.sqlite", "--output", "-"])
        try Self.expectStatus(3, ["export", "timeline", "--db", fixture.database, "--output", folder.path + "/no-such-folder/t.csv"])
        #expect(try CLIFixtures.snapshot(fixture.root).keys.sorted() == ["", "a.mp4"])
    }

    /// Standard output on a full disk: status 3 and the reason on stderr, never a crash (the old
    /// `FileHandle.write` trapped on ENOSPC).
    @Test(arguments: [
        ["status", "--db", "$DB"], ["status", "--db", "$DB", "--json"], ["hash", "$VIDEO"], ["match", "--db", "$DB", "--quiet"],
        ["export", "timeline", "--db", "$DB", "--output", "-"], ["export", "frames", "--db", "$DB", "--output", "-"],
        ["resume", "--db", "$DB"], ["--help"],
    ])
    func aFullStandardOutputExits3WithAMessage(_ template: [String]) throws {
        let fixture = try Self.fixture()
        let arguments = template.map { $0 == "$DB" ? fixture.database : $0 == "$VIDEO" ? fixture.video : $0 }
        let run = try KeyprintBinary.run(arguments, standardOutputPath: "/dev/full")
        #expect(!run.signalled && run.status == 3, "\(arguments) → \(run.status) (signalled: \(run.signalled))\n\(run.stderr)")
        #expect(run.stderr.contains("No space left on device"), "\(run.stderr)")
    }

    @Test func progressOnAPipeHasNoTerminalControls() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let root = try EvidencePaths.resolveFolder(try folder.sub("evidence"))
        try TestVideos.make(root + "/a.mp4", variant: 2, seconds: 1)
        let run = try Self.expectStatus(0, ["scan", root, "--db", folder.path + "/case.sqlite"])
        #expect(run.stderr.contains("1/1 files"), "\(run.stderr)")
        #expect(!run.stderr.contains("\u{1B}") && !run.stderr.contains("\r") && !run.stdout.contains("\u{1B}"))
    }
}
