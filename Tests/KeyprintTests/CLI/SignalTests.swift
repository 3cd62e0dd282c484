import Foundation
import Testing
@testable import KeyprintModel
@testable import KeyprintStore
@testable import KeyprintPipeline
#if canImport(Glibc)
import Glibc
#endif

/// Hangs that neither the time budget nor a signal could end (issue #14, defect 3).
@Suite struct SignalTests {
    /// Waits up to `seconds` for the process to end; kills it and returns false when it does not.
    static func waitForExit(_ process: Process, seconds: Double) -> Bool {
        let end = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < end { usleep(20_000) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            return false
        }
        return true
    }

    @Test func aPlaylistNamingAFIFOFailsInsteadOfHanging() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let root = try EvidencePaths.resolveFolder(try folder.sub("evidence"))
        let fifo = folder.path + "/outside.fifo"
        #expect(mkfifo(fifo, 0o644) == 0)
        try Data("#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:10.0,\n\(fifo)\n#EXT-X-ENDLIST\n".utf8)
            .write(to: URL(fileURLWithPath: root + "/innocent.mp4"))
        try Data("ffconcat version 1.0\nfile '\(fifo)'\n".utf8).write(to: URL(fileURLWithPath: root + "/list.mp4"))
        try TestVideos.make(root + "/video.mp4", variant: 0, seconds: 2)
        let database = folder.path + "/case.sqlite"
        let launched = try KeyprintBinary.launch(["scan", root, "--db", database, "--quiet", "--timeout-per-file", "20"])
        #expect(Self.waitForExit(launched.process, seconds: 60), "the scan hung on a playlist naming a FIFO")
        #expect(launched.process.terminationStatus == 1)
        let files = Dictionary(uniqueKeysWithValues: try await SQLiteCaseStore(path: database, mode: .readOnly)
            .files(collection: nil).map { ($0.relativePath, $0) })
        #expect(files["video.mp4"]?.state == .done)
        for name in ["innocent.mp4", "list.mp4"] {
            #expect(files[name]?.state == .failed && files[name]?.frameCount == 0, "\(name): \(String(describing: files[name]?.error))")
        }
    }

    @Test func sigtermStopsAScanLikeCtrlCAndResumeCompletesIt() async throws {
        try await CLIFixtures.stopsCleanlyAndResumes(after: SIGTERM)
    }
}
