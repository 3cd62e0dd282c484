import Foundation
import Testing
@testable import KeyprintStore
@testable import KeyprintExport
@testable import KeyprintPipeline

/// Issue #14 defects 4, 5, 8 and 12 through the built executable: exports and the case
/// database never land in (or replace anything in) the evidence folder, links and special
/// files are refused, a full disk is an error, long vPDQ names are shortened, and match warns
/// while a scan runs.
@Suite(.serialized) struct ExportSafetyTests {
    /// A scanned case: `folder/evidence` with one video and a text file, `folder/case.sqlite`.
    struct Case {
        var folder: TemporaryFolder
        var root: String
        var database: String
    }

    static func makeCase(_ folder: TemporaryFolder, names: [String] = ["a.mp4"], allFrames: Bool = false) throws -> Case {
        let root = try EvidencePaths.resolveFolder(try folder.sub("evidence"))
        for (i, name) in names.enumerated() { try TestVideos.make(root + "/" + name, variant: i) }
        try Data("notes\n".utf8).write(to: URL(fileURLWithPath: root + "/notes.txt"))
        let database = folder.path + "/case.sqlite"
        let scan = try KeyprintBinary.run(["scan", root, "--db", database, "--quiet"] + (allFrames ? ["--all-frames"] : []))
        try #require(scan.status == 0, "\(scan.stderr)")
        return Case(folder: folder, root: root, database: database)
    }

    /// Both exports that take --output, as argument lists before the path.
    static let fileExports: [[String]] = [["export", "timeline"], ["export", "frames"]]

    @Test func anOutputThatIsASymlinkInsideTheEvidenceIsRefusedAndTheLinkStays() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let fixture = try Self.makeCase(folder)
        // ev/exported.csv → a file outside: the old check followed the link (outside: fine)
        // and the atomic rename then replaced the link inside the evidence.
        let outside = folder.path + "/outside.csv"
        try Data("keep\n".utf8).write(to: URL(fileURLWithPath: outside))
        try FileManager.default.createSymbolicLink(atPath: fixture.root + "/exported.csv", withDestinationPath: outside)
        let before = try CLIFixtures.snapshot(fixture.root)
        for command in Self.fileExports {
            let run = try KeyprintBinary.run(command + ["--db", fixture.database, "--output", fixture.root + "/exported.csv"])
            #expect(run.status == 2, "\(command): \(run.status) \(run.stderr)")
            #expect(run.stderr.contains("symbolic link"), "\(run.stderr)")
        }
        #expect(try CLIFixtures.snapshot(fixture.root) == before)
        #expect(try String(contentsOfFile: outside, encoding: .utf8) == "keep\n")
    }

    @Test func anOutputThatIsASymlinkIntoTheEvidenceIsRefused() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let fixture = try Self.makeCase(folder)
        let link = folder.path + "/timeline.csv"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: fixture.root + "/notes.txt")
        let dirLink = folder.path + "/vpdq"
        try FileManager.default.createSymbolicLink(atPath: dirLink, withDestinationPath: fixture.root)
        let before = try CLIFixtures.snapshot(fixture.root)
        for command in Self.fileExports {
            let run = try KeyprintBinary.run(command + ["--db", fixture.database, "--output", link])
            #expect(run.status == 2, "\(command): \(run.status) \(run.stderr)")
        }
        for dir in [dirLink, dirLink + "/sub", fixture.root + "/../evidence/new"] {
            let run = try KeyprintBinary.run(["export", "frames", "--db", fixture.database, "--format", "vpdq", "--output-dir", dir])
            #expect(run.status == 2, "\(dir): \(run.status) \(run.stderr)")
        }
        #expect(try CLIFixtures.snapshot(fixture.root) == before)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == fixture.root + "/notes.txt")
    }

    @Test func devFullAndAFIFOAreRefusedAndLeftAsTheyAre() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let fixture = try Self.makeCase(folder)
        let fifo = folder.path + "/pipe"
        try #require(mkfifo(fifo, 0o644) == 0)
        var before = stat()
        try #require(stat("/dev/full", &before) == 0)
        for command in Self.fileExports {
            for target in ["/dev/full", fifo] {
                let run = try KeyprintBinary.run(command + ["--db", fixture.database, "--output", target])
                #expect(run.status == 2, "\(command) \(target): \(run.status) \(run.stderr)")
            }
        }
        let vpdq = try KeyprintBinary.run(["export", "frames", "--db", fixture.database, "--format", "vpdq", "--output-dir", "/dev/full"])
        #expect(vpdq.status == 2, "\(vpdq.stderr)")
        // As root the old code replaced the device node with a CSV; it must still be the device.
        var after = stat()
        try #require(stat("/dev/full", &after) == 0)
        #expect(after.st_mode & S_IFMT == S_IFCHR && after.st_rdev == before.st_rdev && after.st_ino == before.st_ino)
        var fifoInfo = stat()
        #expect(lstat(fifo, &fifoInfo) == 0 && fifoInfo.st_mode & S_IFMT == S_IFIFO)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix(".keyprint-") }.isEmpty)
    }

    @Test func aVPDQEntryThatIsASymlinkIsNotReplaced() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let fixture = try Self.makeCase(folder)
        let dir = try folder.sub("vpdq")
        try FileManager.default.createSymbolicLink(atPath: dir + "/a.mp4.txt", withDestinationPath: fixture.root + "/notes.txt")
        let before = try CLIFixtures.snapshot(fixture.root)
        let run = try KeyprintBinary.run(["export", "frames", "--db", fixture.database, "--format", "vpdq", "--output-dir", dir])
        #expect(run.status == 2, "\(run.status) \(run.stderr)")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: dir + "/a.mp4.txt") == fixture.root + "/notes.txt")
        #expect(try CLIFixtures.snapshot(fixture.root) == before)
    }

    @Test func aRegularFileIsReplacedWholeAndAtomically() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let fixture = try Self.makeCase(folder)
        let target = folder.path + "/frames.csv"
        try Data("old\n".utf8).write(to: URL(fileURLWithPath: target))
        let run = try KeyprintBinary.run(["export", "frames", "--db", fixture.database, "--output", target])
        #expect(run.status == 0, "\(run.stderr)")
        let viaStdout = try KeyprintBinary.run(["export", "frames", "--db", fixture.database, "--output", "-"])
        #expect(try String(contentsOfFile: target, encoding: .utf8) == viaStdout.stdout)
        #expect(viaStdout.stdout.hasPrefix("path,timestamp_s,quality,pdq_hex\r\n"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix(".keyprint-") }.isEmpty)
    }

    /// #14 defect 5: a dangling link as --db whose target is inside the evidence put the
    /// database (and its -wal, -shm) there, and the scan recorded them as skipped evidence.
    @Test func aDanglingSymlinkDatabaseIntoTheEvidenceIsRefused() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let root = try EvidencePaths.resolveFolder(try folder.sub("evidence"))
        try TestVideos.make(root + "/a.mp4", variant: 0, seconds: 1)
        let fm = FileManager.default
        try fm.createDirectory(atPath: root + "/deeper", withIntermediateDirectories: true)
        try fm.createSymbolicLink(atPath: folder.path + "/case.sqlite", withDestinationPath: root + "/case.sqlite")
        try fm.createSymbolicLink(atPath: folder.path + "/relative.sqlite", withDestinationPath: "evidence/deeper/../case.sqlite")
        try fm.createSymbolicLink(atPath: folder.path + "/chain.sqlite", withDestinationPath: folder.path + "/relative.sqlite")
        try fm.createSymbolicLink(atPath: folder.path + "/loop.sqlite", withDestinationPath: "loop.sqlite")
        let before = try CLIFixtures.snapshot(root)
        for name in ["case.sqlite", "relative.sqlite", "chain.sqlite"] {
            let run = try KeyprintBinary.run(["scan", root, "--db", folder.path + "/" + name, "--quiet"])
            #expect(run.status == 2, "\(name): \(run.status) \(run.stderr)")
            #expect(run.stderr.contains("refusing to write the case database"), "\(run.stderr)")
            #expect(try CLIFixtures.snapshot(root) == before)
        }
        let loop = try KeyprintBinary.run(["scan", root, "--db", folder.path + "/loop.sqlite", "--quiet"])
        #expect(loop.status == 3, "\(loop.stderr)")
        // A dangling link to a place outside the evidence is followed: the database is made there.
        try fm.createSymbolicLink(atPath: folder.path + "/elsewhere.sqlite", withDestinationPath: folder.path + "/real.sqlite")
        let ok = try KeyprintBinary.run(["scan", root, "--db", folder.path + "/elsewhere.sqlite", "--quiet"])
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(fm.fileExists(atPath: folder.path + "/real.sqlite"))
        #expect(try CLIFixtures.snapshot(root) == before)
    }

    /// #14 defect 12: a 255-byte evidence name plus ".txt" is too long for the file system.
    @Test func longVPDQNamesAreShortenedReadablyAndStayDistinct() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let ascii = String(repeating: "a", count: 251) + ".mp4"
        let accented = String(repeating: "é", count: 125) + ".mp4"
        let twin = String(repeating: "a", count: 250) + "b.mp4"
        let fixture = try Self.makeCase(folder, names: [ascii, accented, twin])
        let dir = folder.path + "/vpdq"
        let run = try KeyprintBinary.run(["export", "frames", "--db", fixture.database, "--format", "vpdq", "--output-dir", dir])
        #expect(run.status == 0, "\(run.stderr)")
        let names = try FileManager.default.contentsOfDirectory(atPath: dir).sorted()
        #expect(names.count == 3, "\(names)")
        for name in names { #expect(name.utf8.count <= 255 && name.hasSuffix(".txt") && name.contains("~"), "\(name)") }
        for source in [ascii, accented, twin] {
            let name = FramesExporter.vpdqFileName(relativePath: source)
            #expect(names.contains(name))
            #expect(name.hasPrefix(String(source.prefix(100))))
            let direct = try KeyprintBinary.run(["hash", fixture.root + "/" + source])
            #expect(try String(contentsOfFile: dir + "/" + name, encoding: .utf8) == direct.stdout)
        }
        // Short names are as before.
        #expect(FramesExporter.vpdqFileName(relativePath: "sub/a,b.mp4") == "sub__a,b.mp4.txt")
    }

    /// #14 defect 12: match during a scan silently used partial data.
    @Test func matchWarnsWhileAScanHoldsTheLock() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let fixture = try Self.makeCase(folder)
        var store: SQLiteCaseStore? = try SQLiteCaseStore(path: fixture.database, mode: .existing)
        var lease: ScanLease? = try await store?.acquireScanLock()
        let during = try KeyprintBinary.run(["match", "--db", fixture.database, "--quiet"])
        #expect(during.status == 0, "\(during.stderr)")
        #expect(during.stderr.contains("a scan of this case database is running"), "\(during.stderr)")
        lease?.release()
        lease = nil
        store = nil
        let after = try KeyprintBinary.run(["match", "--db", fixture.database, "--quiet"])
        #expect(after.status == 0 && !after.stderr.contains("warning"), "\(after.stderr)")
        // The match did not take the lock away from the scan: a scan can start afterwards.
        let scan = try KeyprintBinary.run(["scan", fixture.root, "--db", fixture.database, "--quiet"])
        #expect(scan.status == 0, "\(scan.stderr)")
    }

    /// A tiny tmpfs, when this process may mount one (root on Linux); else nil.
    static func mountFullFilesystem(_ path: String, bytes: Int) -> Bool {
        #if os(Linux)
        guard getuid() == 0 else { return false }
        return "size=\(bytes)".withCString { options in mount("tmpfs", path, "tmpfs", 0, options) } == 0
        #else
        return false
        #endif
    }

    static let canMount: Bool = {
        let probe = FileManager.default.temporaryDirectory.path + "/keyprint-mount-probe-\(getpid())"
        try? FileManager.default.createDirectory(atPath: probe, withIntermediateDirectories: true)
        defer { rmdir(probe) }
        guard mountFullFilesystem(probe, bytes: 4096) else { return false }
        umount(probe)
        return true
    }()

    /// #14 defect 8: an export to a full file system exits 3 with the reason; the file there
    /// before is intact and no temporary file is left. Needs root (to mount a 4 KiB tmpfs).
    @Test(.enabled(if: canMount, "needs root to mount a tmpfs"))
    func anExportToAFullFileSystemExits3AndLeavesTheOldFile() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let fixture = try Self.makeCase(folder, allFrames: true)
        let mountPoint = try folder.sub("full")
        try #require(Self.mountFullFilesystem(mountPoint, bytes: 4096))
        defer { umount(mountPoint) }
        try Data("old\n".utf8).write(to: URL(fileURLWithPath: mountPoint + "/frames.csv"))
        // 75 frame rows of ~110 bytes do not fit in 4 KiB.
        let frames = try KeyprintBinary.run(["export", "frames", "--db", fixture.database, "--output", mountPoint + "/frames.csv"])
        #expect(!frames.signalled && frames.status == 3, "\(frames.status) \(frames.stderr)")
        #expect(frames.stderr.contains("No space left on device"), "\(frames.stderr)")
        let vpdq = try KeyprintBinary.run(["export", "frames", "--db", fixture.database, "--format", "vpdq", "--output-dir", mountPoint + "/v"])
        #expect(!vpdq.signalled && vpdq.status == 3, "\(vpdq.status) \(vpdq.stderr)")
        // Fill what is left, then even the timeline's header does not fit.
        let filler = open(mountPoint + "/filler", O_WRONLY | O_CREAT, 0o644)
        let block = [UInt8](repeating: 0, count: 512)
        while write(filler, block, block.count) > 0 {}
        close(filler)
        let timeline = try KeyprintBinary.run(["export", "timeline", "--db", fixture.database, "--output", mountPoint + "/timeline.csv"])
        #expect(!timeline.signalled && timeline.status == 3, "\(timeline.status) \(timeline.stderr)")
        #expect(try String(contentsOfFile: mountPoint + "/frames.csv", encoding: .utf8) == "old\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: mountPoint).filter { $0.hasPrefix(".keyprint-") }.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: mountPoint + "/timeline.csv"))
    }
}
