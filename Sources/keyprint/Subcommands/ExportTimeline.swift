import ArgumentParser
import Foundation
import KeyprintExport
import KeyprintModel
import KeyprintPipeline
import KeyprintStore

extension Keyprint {
    struct ExportTimeline: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "timeline",
            abstract: "Write the match timeline CSV: one row per matched segment, highest score first.",
            discussion: """
            Columns, in this order: message, datetime, timestamp_desc, query_path, query_start_s, \
            query_end_s, reference_path, reference_start_s, reference_end_s, score, matched_frames, \
            mean_distance, transform; then query_md5, query_sha256, reference_md5, reference_sha256, \
            threshold_bits, min_duration_s, sampling, speed, linked_via (empty for a direct match; for \
            a derived link, the third file both files matched over the same stretch: such rows have \
            matched_frames 0). Each span end lies halfway between the last matching and the first \
            non-matching sample (or at the file's start or end). datetime is ISO 8601 UTC: the query's \
            container creation time + query_start_s, or its modification time + query_start_s when it \
            has none (timestamp_desc says which). Every stored comparison is written (run \
            `keyprint match` first). RFC 4180; cells a spreadsheet would execute get a leading \
            apostrophe.

            --output: - for standard output, else a new file or a regular file, replaced \
            atomically (a temporary file in the same folder, renamed when complete). Refused: a \
            path inside any evidence folder the case scanned, a symbolic link, a device, a FIFO, \
            a folder, the case database itself.

            --format vsc writes the matching-track CSV of Meta's Video Similarity Challenge \
            instead: query_id,ref_id,query_start,query_end,ref_start,ref_end,score (seconds; an id \
            is the file name without its extension), one row per matched segment, so that the \
            challenge's tools and metric score Keyprint's output directly.
            """ + ExitStatus.helpSection(ExitStatus.readingCommand)
        )

        enum Format: String, ExpressibleByArgument, CaseIterable { case csv, vsc }

        @OptionGroup var database: CaseDatabaseOptions

        @Option(name: .long, help: "csv (the timeline, default) or vsc (VSC22 matching-track CSV).")
        var format: Format = .csv

        @Option(name: .long, help: ArgumentHelp("The CSV file to write (- for standard output).", valueName: "TIMELINE.csv"))
        var output: String

        func run() async throws {
            let opened = try database.open(.read)
            let db = database.db
            let target = output == "-" ? nil : try await opened.outputFile(output)
            if let sqlite = opened.store as? SQLiteCaseStore, !(try await sqlite.appliedMigrations().contains("v3-matches")) {
                throw CommandFailure(.usage, "no match results in \(db); run `keyprint match --db \(Terminal.shellQuoted(db))` first")
            }
            let rows = try await TimelineExporter(store: opened.store).rows()
            let document = format == .vsc ? VSCMatches.document(rows) : TimelineCSV.document(rows)
            guard let target else {
                try Terminal.write(document)
                return
            }
            try AtomicFile.write(document, folder: target.folder, name: target.name)
            Terminal.error("wrote \(rows.count) segment rows to \(output)")
        }
    }
}
