import ArgumentParser
import Foundation
import KeyprintExport
import KeyprintModel
import KeyprintPipeline
import KeyprintStore

extension Keyprint {
    struct Report: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "report",
            abstract: "Write the examiner's HTML report: each linked pair with its matched frames side by side.",
            discussion: """
            Writes DIR/index.html and the thumbnails it shows (DIR/frames/*.jpg): the case \
            (collections, files per state, failed and skipped files with reasons, every scan and \
            match run with its settings, Keyprint's and FFmpeg's versions); per linked pair, \
            strongest first, both files (path, collection, duration, MD5, SHA-1, SHA-256), then per \
            segment its transform, speed, score in words and a strip of matched frame pairs (query \
            frame | reference frame, their timestamps, Hamming distance, which hash matched), and \
            a timeline bar of where the segments lie on each file; derived links are marked; a \
            contact sheet of 12 frames per video. Self-contained and offline (no script, font or \
            external image), printable (chromium --headless --print-to-pdf gives a PDF).

            Thumbnails are cut from the evidence itself, read-only, at the stored frame times; a \
            file whose size or modification time (with --verify-hashes: or digests) is not what \
            its scan stored is flagged in the report, and no frame of it is shown. Every file is written atomically, index.html \
            last. Refused: a DIR inside any evidence folder the case scanned, a DIR that is a \
            symbolic link or not a folder. Progress goes to stderr.
            """ + ExitStatus.helpSection(ExitStatus.readingCommand)
        )

        @OptionGroup var database: CaseDatabaseOptions

        @Option(name: .long, help: ArgumentHelp("The report folder (created when missing).", valueName: "DIR"))
        var output: String

        @Flag(name: .long, help: "Re-hash every file (MD5, SHA-1, SHA-256) before cutting its frames and flag one whose digests are not its scan's (reads every byte).")
        var verifyHashes = false

        @Flag(name: .long, help: "No progress line.")
        var quiet = false

        func run() async throws {
            let opened = try await database.open(.read)
            let folder = try await opened.outputFolder(output)
            if let sqlite = opened.store as? SQLiteCaseStore, !(try await sqlite.appliedMigrations().contains("v3-matches")) {
                throw CommandFailure(.usage, "no match results in \(database.db); run `keyprint match --db \(Terminal.shellQuoted(database.db))` first")
            }
            if try await opened.store.matchRuns().isEmpty {
                Terminal.error("no match run in \(database.db) yet: the report shows the case and its contact sheets only (run `keyprint match --db \(Terminal.shellQuoted(database.db))` for links)")
            }
            let quiet = self.quiet
            var lastLine = Date.distantPast
            var builder = ReportBuilder(store: opened.store, database: opened.location)
            builder.verifyDigests = verifyHashes
            let summary = try await builder.write(to: folder) { progress in
                guard !quiet, progress.thumbnailsTotal > 0 else { return }
                let now = Date()
                guard now.timeIntervalSince(lastLine) >= 1 || progress.thumbnailsDone == progress.thumbnailsTotal else { return }
                lastLine = now
                Terminal.error("report: \(progress.thumbnailsDone)/\(progress.thumbnailsTotal) frames cut\(progress.path.isEmpty ? "" : ", " + Terminal.printable(progress.path))")
            }
            for (path, problem) in summary.flagged.sorted(by: { $0.key < $1.key }) {
                Terminal.error("warning: no frames of \(Terminal.printable(path)) in the report: \(problem)")
            }
            Terminal.error("wrote \(summary.pairs) linked pair(s), \(summary.segments) segment(s), \(summary.thumbnails) frame(s) to \(Terminal.printable(summary.indexPath))")
        }
    }
}
