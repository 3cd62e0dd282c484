import ArgumentParser
import Foundation
import KeyprintExport
import KeyprintStore

extension Keyprint {
    struct ExportHits: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "hits",
            abstract: "Write the case's known evidence media as VICS 2.0 JSON, for a review tool.",
            discussion: """
            One Media record per evidence file that is a known-file hit (its MD5, SHA-1 or SHA-256 \
            is in a hash set imported with `keyprint import hashset`: MD5, SHA1, the set's \
            Category as given (the first set by collection and path that holds the file; Comments lists every hit), the file's path in MediaFiles) or that a stored match links to an \
            imported vPDQ item (`keyprint import vpdq`; no category). KeyprintMatch says which: \
            exact, perceptual or exact+perceptual; Comments says where. Written atomically, only \
            over a regular file, never inside a scanned evidence folder.
            """ + ExitStatus.helpSection(ExitStatus.readingCommand)
        )

        enum Format: String, ExpressibleByArgument, CaseIterable { case vics }

        @OptionGroup var database: CaseDatabaseOptions

        @Option(name: .long, help: "vics (VICS 2.0 JSON).")
        var format: Format = .vics

        @Option(name: .long, help: ArgumentHelp("The JSON file to write.", valueName: "HITS.json"))
        var output: String

        func run() async throws {
            let opened = try await database.open(.read)
            let store = try Import.knownMaterialStore(opened)
            let target = try await opened.outputFile(output)
            let (json, records) = try await HitsExporter(store: store).document()
            try AtomicFile.write(json, folder: target.folder, name: target.name)
            Terminal.error("wrote \(records) Media record(s) to \(output)")
        }
    }
}
