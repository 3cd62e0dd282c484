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

/// kill -9 at several moments, then resume: the frames must be exactly those of a scan that was
/// never interrupted. Kill moments are chosen by what the database shows (files done), and by
/// short delays; nothing is asserted about how long anything takes.
@Suite(.serialized) struct CrashResumeTests {
    enum KillPoint: CustomStringConvertible {
        case afterDone(Int)
        case afterDelay(Double)
        var description: String {
            switch self {
            case .afterDone(let n): return "after \(n) done"
            case .afterDelay(let s): return "after \(s) s"
            }
        }
    }

    static func makeEvidence(_ folder: TemporaryFolder) throws -> String {
        let root = try EvidencePaths.resolveFolder(try folder.sub("evidence"))
        try FileManager.default.createDirectory(atPath: root + "/day2", withIntermediateDirectories: true)
        for i in 0..<5 {
            try TestVideos.make(root + (i < 3 ? "/clip\(i).mp4" : "/day2/clip\(i).mp4"), variant: i, seconds: 6)
        }
        try Data("not a video\n".utf8).write(to: URL(fileURLWithPath: root + "/readme.txt"))
        return root
    }

    /// Starts `arguments`, kills it with SIGKILL at `point` (or lets it finish first).
    static func runAndKill(_ arguments: [String], database: String, at point: KillPoint) throws -> Bool {
        let launched = try KeyprintBinary.launch(arguments)
        switch point {
        case .afterDelay(let seconds):
            Thread.sleep(forTimeInterval: seconds)
        case .afterDone(let n):
            while launched.process.isRunning && CLIFixtures.doneCount(database) < n { Thread.sleep(forTimeInterval: 0.02) }
        }
        let killed = launched.process.isRunning
        if killed { kill(launched.process.processIdentifier, SIGKILL) }
        launched.process.waitUntilExit()
        return killed
    }

    static func checkConsistent(_ database: String) async throws {
        // Killed before the schema or the first scan record was written: nothing to check.
        guard CLIFixtures.hasScan(database) else { return }
        let store = try SQLiteCaseStore(path: database, create: false, readOnly: true)
        for file in try await store.files(collection: nil) {
            let frames = try await store.frames(fileID: file.id)
            if file.state == .done {
                #expect(frames.count == file.frameCount && !frames.isEmpty, "done file \(file.relativePath) has \(frames.count) rows")
            } else {
                #expect(frames.isEmpty, "\(file.state) file \(file.relativePath) has frames")
            }
        }
    }

    @Test(arguments: [
        [KillPoint.afterDone(1), .afterDelay(0.4), .afterDone(3)],
        [KillPoint.afterDelay(0.15), .afterDelay(0.8), .afterDone(4)],
    ])
    func killedScansResumeToTheUninterruptedResult(points: [KillPoint]) async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let root = try Self.makeEvidence(folder)
        let settings = ["--jobs", "2", "--all-frames", "--quiet"]

        let reference = folder.path + "/reference.sqlite"
        let clean = try KeyprintBinary.run(["scan", root, "--db", reference] + settings)
        #expect(clean.status == 0, "\(clean.stderr)")
        let expectedRows = try await CLIFixtures.frameRows(reference)
        #expect(expectedRows.count == 5 * 150)

        let database = folder.path + "/killed.sqlite"
        var kills = 0
        for (step, point) in points.enumerated() {
            // The first step is the scan itself; later ones resume (or repeat the scan when the
            // first kill came before the database existed).
            let command: [String]
            if step == 0 || !CLIFixtures.hasScan(database) {
                command = ["scan", root, "--db", database] + settings
            } else {
                command = ["resume", "--db", database, "--quiet"]
            }
            if try Self.runAndKill(command, database: database, at: point) { kills += 1 }
            try await Self.checkConsistent(database)
        }
        #expect(kills >= 2, "the scans finished before most kills; the test proved little")

        let final = try KeyprintBinary.run(CLIFixtures.hasScan(database)
                                           ? ["resume", "--db", database, "--quiet"] : ["scan", root, "--db", database] + settings)
        #expect(final.status == 0, "\(final.stdout) \(final.stderr)")
        let rows = try await CLIFixtures.frameRows(database)
        #expect(rows.count == Set(rows).count, "duplicate frame rows")
        let missing = Set(expectedRows).subtracting(rows), extra = Set(rows).subtracting(expectedRows)
        #expect(missing.isEmpty && extra.isEmpty,
                "\(missing.count) rows missing (e.g. \(missing.prefix(3))), \(extra.count) unexpected (e.g. \(extra.prefix(3)))")
        #expect(rows.count == expectedRows.count)
        let referenceSummary = try await CLIFixtures.fileSummary(reference)
        #expect(try await CLIFixtures.fileSummary(database) == referenceSummary)
        // Nothing left to resume.
        let again = try KeyprintBinary.run(["resume", "--db", database])
        #expect(again.status == 0 && again.stdout.contains("Nothing to resume"))
    }
}
