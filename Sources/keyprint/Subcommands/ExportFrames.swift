import ArgumentParser
import Foundation
import KeyprintExport
import KeyprintModel
import KeyprintPipeline
import KeyprintStore

extension Keyprint {
    struct ExportFrames: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "frames",
            abstract: "Write every stored frame hash: one CSV, or one vPDQ text file per video.",
            discussion: """
            CSV (RFC 4180): path,timestamp_s,quality,pdq_hex, one row per frame, ordered by path \
            then frame. vPDQ: one <relative path with / replaced by __>.txt per video, lines \
            frameNumber,quality,pdqHex,timestampSeconds. Output inside a scanned evidence folder is refused.
            """
        )

        enum Format: String, ExpressibleByArgument, CaseIterable { case csv, vpdq }

        @Option(name: .long, help: ArgumentHelp("The case database.", valueName: "CASE.sqlite"))
        var db: String

        @Option(name: .long, help: "csv (default) or vpdq.")
        var format: Format = .csv

        @Option(name: .long, help: ArgumentHelp("The CSV file to write (- for standard output).", valueName: "FILE"))
        var output: String?

        @Option(name: .long, help: ArgumentHelp("The folder for vPDQ files.", valueName: "DIR"))
        var outputDir: String?

        @Option(name: .long, help: "Only this collection.")
        var collection: String?

        func validate() throws {
            switch format {
            case .csv: if output == nil { throw ValidationError("--format csv needs --output FILE.") }
            case .vpdq: if outputDir == nil { throw ValidationError("--format vpdq needs --output-dir DIR.") }
            }
        }

        func run() async throws {
            let store: SQLiteCaseStore
            do { store = try SQLiteCaseStore(path: db, create: false, readOnly: true) } catch {
                Terminal.error("\(error)")
                throw ExitCode(2)
            }
            let target = format == .csv ? output! : outputDir!
            if target != "-" {
                do {
                    let resolved = try EvidencePaths.resolveDatabase(target)
                    for root in Set(try await store.scans().map(\.root)) { try EvidencePaths.checkDatabase(resolved, outside: root) }
                } catch let problem as EvidencePaths.Problem {
                    Terminal.error(problem.description.replacingOccurrences(of: "the case database", with: "the export"))
                    throw ExitCode(2)
                }
            }
            let exporter = FramesExporter(store: store)
            switch format {
            case .csv:
                if target == "-" {
                    try await exporter.writeCSV(collection: collection) { FileHandle.standardOutput.write(Data($0.utf8)) }
                } else {
                    guard FileManager.default.createFile(atPath: target, contents: nil), let handle = FileHandle(forWritingAtPath: target) else {
                        Terminal.error("cannot write \(target)")
                        throw ExitCode(2)
                    }
                    defer { try? handle.close() }
                    let rows = try await exporter.writeCSV(collection: collection) { handle.write(Data($0.utf8)) }
                    FileHandle.standardError.write(Data("keyprint: wrote \(rows) frame rows to \(target)\n".utf8))
                }
            case .vpdq:
                let files = try await exporter.writeVPDQ(collection: collection, directory: target)
                FileHandle.standardError.write(Data("keyprint: wrote \(files.count) vPDQ files to \(target)\n".utf8))
            }
        }
    }
}
