import ArgumentParser
import Foundation
import KeyprintExport
import KeyprintModel
import KeyprintPipeline
import KeyprintStore

extension Keyprint {
    struct Resume: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Continue the last unfinished scan of a case database with the settings it recorded.",
            discussion: """
            Files left running by a killed scan are processed again from the start; files already \
            committed are kept. The result is the same as that of an uninterrupted scan. The \
            evidence folder is the one the scan recorded; a --db inside it is refused, as by scan.
            """ + ExitStatus.helpSection(ExitStatus.scanningCommand) + """

            0 also when there is nothing to resume; 2 also when no scan has started in the database.
            """
        )

        @OptionGroup var database: CaseDatabaseOptions

        @OptionGroup var workers: WorkerOptions

        @Flag(name: .long, help: "No progress output.")
        var quiet = false

        func validate() throws { try workers.check() }

        func run() async throws {
            let last: ScanRecord?
            do {
                let store = try await database.open(.read).store
                if try await store.scans().isEmpty {
                    let db = Terminal.shellQuoted(database.displayed)
                    throw CommandFailure(.usage, "no scan has started in \(database.displayed); run `keyprint scan FOLDER --db \(db)`")
                }
                last = try await store.lastUnfinishedScan()
            }
            guard let last else {
                try Terminal.out("Nothing to resume: the last scan in \(database.displayed) completed.")
                return
            }
            let root: String
            do { root = try EvidencePaths.resolveFolder(last.root) } catch {
                throw CommandFailure(ExitStatus(for: error), "cannot resume: \(error.description)")
            }
            let opened = try await database.open(.write, outside: root)
            if !quiet {
                let settings = last.settings
                Terminal.error("resuming scan #\(last.id) of collection \(Terminal.printable(last.collection)) in \(Terminal.printable(root)), "
                               + "started \(ISO8601DateFormatter().string(from: last.startedAt)): sampling \(settings.samplingMode), "
                               + "regions \(settings.regions ? "on" : "off"), "
                               + "\(settings.timeBudget.map { "\(formatSeconds($0)) s per file" } ?? "no time budget"), \(settings.jobs) job(s)")
            }
            let commandLine = Terminal.commandLine
            let workers = self.workers
            try await ScanSession.run(quiet: quiet, { runner, progress in try await runner.resume(commandLine: commandLine, workerID: workers.id, leaseSeconds: workers.leaseSeconds, progress: progress) },
                                      database: opened)
        }
    }
}
