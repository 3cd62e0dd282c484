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
            CSV (the default, RFC 4180): path,timestamp_s,quality,pdq_hex, one row per frame, \
            ordered by path then frame; --output - writes it to standard output. vPDQ: one \
            <relative path with / replaced by __>.txt per done video in --output-dir (created \
            when missing; with several collections, one sub-folder per collection), lines \
            frameNumber,quality,pdqHex,timestampSeconds. A name longer than 255 bytes keeps its \
            start, then ~ and 16 hex digits of a hash of the whole relative path.

            Every file is written atomically (a temporary file in the same folder, renamed when \
            complete), and only over a regular file. Refused: an output inside any evidence \
            folder the case scanned; an --output that is a symbolic link, a device, a FIFO or a \
            folder; an --output-dir that is a symbolic link or not a folder.
            """ + ExitStatus.helpSection(ExitStatus.readingCommand)
        )

        enum Format: String, ExpressibleByArgument, CaseIterable { case csv, vpdq }

        @OptionGroup var database: CaseDatabaseOptions

        @Option(name: .long, help: "csv or vpdq.")
        var format: Format = .csv

        @Option(name: .long, help: ArgumentHelp("The CSV file to write (- for standard output).", valueName: "FILE"))
        var output: String?

        @Option(name: .long, help: ArgumentHelp("The folder for vPDQ files.", valueName: "DIR"))
        var outputDir: String?

        @Option(name: .long, help: "Only this collection (default: every collection).")
        var collection: String?

        func validate() throws {
            switch format {
            case .csv: if output == nil { throw ValidationError("--format csv needs --output FILE.") }
            case .vpdq: if outputDir == nil { throw ValidationError("--format vpdq needs --output-dir DIR.") }
            }
        }

        func run() async throws {
            let opened = try await database.open(.read)
            let exporter = FramesExporter(store: opened.store)
            switch (format, output, outputDir) {
            case (.csv, "-", _):
                try await exporter.writeCSV(collection: collection) { try Terminal.write($0) }
            case (.csv, let path?, _):
                let target = try await opened.outputFile(path)
                let file = try AtomicFile(folder: target.folder, name: target.name)
                let rows = try await exporter.writeCSV(collection: collection) { try file.write($0) }
                try file.commit()
                Terminal.error("wrote \(rows) frame rows to \(path)")
            case (.vpdq, _, let path?):
                let folder = try await opened.outputFolder(path)
                let files = try await exporter.writeVPDQ(collection: collection, directory: folder)
                Terminal.error("wrote \(files.count) vPDQ files to \(path)")
            default:
                throw CommandFailure(.usage, "--format \(format.rawValue) needs --output FILE or --output-dir DIR")
            }
        }
    }
}
