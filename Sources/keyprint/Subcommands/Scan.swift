import ArgumentParser
import Foundation
import KeyprintExport
import KeyprintModel
import KeyprintPipeline
import KeyprintStore

extension Keyprint {
    struct Scan: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Process an evidence folder into a case database; resumable after any interruption.",
            discussion: """
            Walks FOLDER recursively (symbolic links are recorded, never followed), records MD5, \
            SHA-1 and SHA-256 of every file, decodes every video and stores the PDQ hash of each \
            sampled frame. Each file is committed in one transaction, so a killed scan loses \
            nothing: run `keyprint resume --db CASE` (or the same scan again) to continue. \
            Unchanged files are not processed again; changed files are re-hashed and their frames \
            replaced. Nothing under FOLDER is ever written, and a --db inside FOLDER is refused \
            (a --db that is a symbolic link counts where it points, even when its target does \
            not exist yet: that is where SQLite would create the database).

            File states: done, failed (looked like a video but could not be processed; the reason \
            is recorded), skipped (not a video; what it looks like is recorded), pending, running.

            Defaults: one frame per second, --jobs = the number of cores, 600 s per file, region \
            hashes on, the collection named after the folder.
            """ + ExitStatus.helpSection(ExitStatus.scanningCommand)
        )

        @Argument(help: "The evidence folder.")
        var folder: String

        @OptionGroup var database: CaseDatabaseOptions

        @Option(name: .long, help: "Collection name (default: the folder's name).")
        var collection: String?

        @Option(name: .long, help: "Files processed at once (default: the number of cores).")
        var jobs: Int?

        @OptionGroup var sampling: SamplingOptions

        @Option(name: .long, help: ArgumentHelp("Give up on a file after S seconds.", valueName: "S"))
        var timeoutPerFile: Double = 600

        @Flag(name: .customLong("no-regions"),
              help: "Store whole-frame hashes only: no content-region (webcam pane, letterbox) hashes. Recorded in the scan's settings.")
        var noRegions = false

        @OptionGroup var luma: LumaOptions

        @OptionGroup var workers: WorkerOptions

        @Flag(name: .long, help: "No progress output.")
        var quiet = false

        func validate() throws {
            if let jobs, jobs < 1 { throw ValidationError("--jobs takes a positive number.") }
            if !(timeoutPerFile > 0 && timeoutPerFile.isFinite) { throw ValidationError("--timeout-per-file takes a positive number of seconds.") }
            if collection?.isEmpty == true { throw ValidationError("--collection cannot be empty.") }
            try workers.check()
        }

        func run() async throws {
            let root = try EvidencePaths.resolveFolder(folder)
            let opened = try await database.open(.create, outside: root)
            let settings = ScanSettings(sampling: sampling.mode, timeBudget: timeoutPerFile,
                                        jobs: jobs ?? ProcessInfo.processInfo.activeProcessorCount, regions: !noRegions,
                                        exactVPDQLuma: luma.exact)
            let name = collection ?? URL(fileURLWithPath: root).lastPathComponent
            let request = ScanRequest(root: root, collection: name, settings: settings, commandLine: Terminal.commandLine,
                                      workerID: workers.id, leaseSeconds: workers.leaseSeconds)
            let otherRoots = Set(try await opened.store.scans().filter { $0.collection == name && $0.root != root }.map(\.root))
            if !otherRoots.isEmpty {
                Terminal.error("warning: collection \(Terminal.printable(name)) already holds files scanned from "
                               + otherRoots.sorted().map(Terminal.printable).joined(separator: ", ")
                               + "; this scan adds \(Terminal.printable(root))'s files to it (--collection NAME keeps them apart)")
            }
            try await ScanSession.run(quiet: quiet, { runner, progress in try await runner.run(request, progress: progress) }, database: opened)
        }
    }
}
