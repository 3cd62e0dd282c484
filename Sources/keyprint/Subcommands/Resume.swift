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
            committed are kept. The result is the same as that of an uninterrupted scan.
            Exit status: as for `keyprint scan`; 0 also when there is nothing to resume.
            """
        )

        @Option(name: .long, help: ArgumentHelp("The case database.", valueName: "CASE.sqlite"))
        var db: String

        @Flag(name: .long, help: "No progress output.")
        var quiet = false

        func run() async throws {
            let last: ScanRecord?
            do {
                let store = try SQLiteCaseStore(path: db, create: false)
                if try await store.scans().isEmpty {
                    Terminal.error("no scan has started in \(db); run `keyprint scan FOLDER --db \(db)`")
                    throw ExitCode(2)
                }
                last = try await store.lastUnfinishedScan()
            } catch let exit as ExitCode {
                throw exit
            } catch {
                Terminal.error("\(error)")
                throw ExitCode(2)
            }
            guard let last else {
                Terminal.out("Nothing to resume: the last scan in \(db) completed.")
                return
            }
            let root: String
            do { root = try EvidencePaths.resolveFolder(last.root) } catch {
                Terminal.error("cannot resume: \(error.description)")
                throw ExitCode(2)
            }
            let store = try ScanSession.openStore(database: db, folder: root)
            let commandLine = Terminal.commandLine
            try await ScanSession.run(quiet: quiet, { runner, progress in try await runner.resume(commandLine: commandLine, progress: progress) },
                                      store: store)
        }
    }
}
