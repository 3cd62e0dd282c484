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
            abstract: "Write the match timeline CSV: one row per matched segment, grouped by linked pair.",
            discussion: """
            Columns, in this order: message, datetime, timestamp_desc, query_path, query_start_s, \
            query_end_s, reference_path, reference_start_s, reference_end_s, score, matched_frames, \
            mean_distance, transform; then for each file (query_, reference_) collection, \
            relative_path, duration_s, md5, sha1, sha256; then match_run_id, comparison, \
            threshold_bits, min_duration_s, sampling, speed, linked_via (empty for a direct match; for \
            a derived link, the third file both files matched over the same stretch: such rows have \
            matched_frames 0), keyprint_version. Rows are grouped by linked pair (strongest pair \
            first), one direction per pair, in query time order within a pair; message times are \
            to the tenth of a second, rounded from the numeric columns. Each span end lies halfway between the last matching and the first \
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
            let opened = try await database.open(.read)
            let db = database.displayed
            let target = output == "-" ? nil : try await opened.outputFile(output)
            if let sqlite = opened.store as? SQLiteCaseStore, !(try await sqlite.appliedMigrations().contains("v3-matches")) {
                throw CommandFailure(.usage, "no match results in \(db); run `keyprint match --db \(Terminal.shellQuoted(db))` first")
            }
            let exporter = TimelineExporter(store: opened.store)
            let header = format == .vsc ? VSCMatches.header : TimelineCSV.header
            let vsc = format == .vsc
            func line(_ row: TimelineRow) -> String? { vsc ? VSCMatches.line(row) : TimelineCSV.line(row) }
            guard let target else {
                try Terminal.write(header)
                try await exporter.forEachRow { if let text = line($0) { try Terminal.write(text) } }
                return
            }
            // Row by row into the temporary file, renamed over the target when complete.
            let file = try AtomicFile(folder: target.folder, name: target.name)
            try file.write(header)
            var written = 0
            try await exporter.forEachRow {
                guard let text = line($0) else { return }
                try file.write(text)
                written += 1
            }
            try file.commit()
            Terminal.error("wrote \(written) rows to \(output)")
        }
    }
}
