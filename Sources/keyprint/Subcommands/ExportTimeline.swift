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
            apostrophe. Output inside a scanned evidence folder is refused.
            """
        )

        @Option(name: .long, help: ArgumentHelp("The case database.", valueName: "CASE.sqlite"))
        var db: String

        @Option(name: .long, help: ArgumentHelp("The CSV file to write (- for standard output).", valueName: "TIMELINE.csv"))
        var output: String

        func run() async throws {
            let store: SQLiteCaseStore
            do { store = try SQLiteCaseStore(path: db, create: false, readOnly: true) } catch let error as StoreError {
                Terminal.error(error.description)
                if case .noDatabase = error { throw ExitCode(2) }
                throw ExitCode(3)
            }
            do {
                if output != "-" {
                    let resolved = try EvidencePaths.resolveDatabase(output)
                    for root in Set(try await store.scans().map(\.root)) { try EvidencePaths.checkDatabase(resolved, outside: root) }
                }
            } catch let problem as EvidencePaths.Problem {
                Terminal.error(problem.description.replacingOccurrences(of: "the case database", with: "the export"))
                throw ExitCode(2)
            }
            let rows: [TimelineRow]
            do {
                guard try await store.appliedMigrations().contains("v3-matches") else {
                    Terminal.error("no match results in \(db); run `keyprint match --db \(db)` first")
                    throw ExitCode(2)
                }
                rows = try await TimelineExporter(store: store).rows()
            } catch let error as StoreError {
                Terminal.error(error.description)
                throw ExitCode(3)
            }
            if output == "-" {
                FileHandle.standardOutput.write(Data(TimelineCSV.document(rows).utf8))
            } else {
                do { try TimelineCSV.write(rows, to: URL(fileURLWithPath: output)) } catch {
                    Terminal.error("cannot write \(output): \(error.localizedDescription)")
                    throw ExitCode(2)
                }
                FileHandle.standardError.write(Data("keyprint: wrote \(rows.count) segment rows to \(output)\n".utf8))
            }
        }
    }
}
