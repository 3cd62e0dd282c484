import ArgumentParser
import Foundation
import KeyprintExport
import KeyprintModel
import KeyprintPipeline
import KeyprintStore

extension Keyprint {
    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show how far the scans of a case database got, per collection and state.",
            discussion: """
            Prints each collection's file count per state (done, failed, skipped, pending, \
            running), every failed file with its reason, and how the last scan ended; on a \
            shared (postgres://) case also each scan worker with its last heartbeat and the \
            files it holds, and each match worker with its divided match run, last heartbeat, \
            the query files it holds and how many it matched. The database is only read, also \
            while a scan runs.

            With --json prints {"files":[{"path","collection","state","error","warning","frames","duration_s",\
            "size","md5","sha1","sha256"}…],"known_files":{"evidence_files","hash_sets":[{"collection",\
            "source_path","format","sha256","records","files"}…],"categories":[{"collection","category",\
            "files"}…]}}; state is pending, running, done, failed or skipped; known_files counts the \
            evidence files whose digests are in imported hash sets (per set, per category).
            """ + ExitStatus.helpSection(ExitStatus.readingCommand)
        )

        @OptionGroup var database: CaseDatabaseOptions

        @Flag(name: .long, help: "Print a JSON document of every file instead.")
        var json = false

        func run() async throws {
            let store = try await database.open(.read).store
            let db = database.displayed
            if json {
                var sets: [StoredHashSet] = [], hits: [KnownFileHit] = []
                if let known = store as? any KnownMaterialStore {
                    sets = try await known.hashSets()
                    if !sets.isEmpty { hits = try await known.knownFileHits() }
                }
                // Row by row in bounded memory where the store pages its files (SQLite).
                var writer = StatusDocumentWriter { try Terminal.write($0) }
                if let paged = store as? any FileStreamingStore {
                    try await paged.forEachFilePage(pageSize: 1000) { page in for file in page { try writer.append(file) } }
                } else {
                    for file in try await store.files(collection: nil) { try writer.append(file) }
                }
                try writer.finish(hashSets: sets, knownFileHits: hits)
                return
            }
            let files = try await store.files(collection: nil)
            let counts = try await store.stateCounts()
            let collections = Array(Set(counts.map(\.collection))).sorted()
            if collections.isEmpty { try Terminal.out("No files recorded in \(db).") }
            for collection in collections {
                let mine = counts.filter { $0.collection == collection }
                let total = mine.reduce(0) { $0 + $1.count }
                let parts = FileState.allCases.compactMap { state in mine.first { $0.state == state }.map { "\(state.rawValue) \($0.count)" } }
                try Terminal.out("\(Terminal.printable(collection)): \(total) files — \(parts.joined(separator: ", "))")
                // Every file that is not done, with its reason; done files that carry a warning.
                for (state, label) in [(FileState.failed, "failed"), (.skipped, "skipped")] {
                    let listed = files.filter { $0.collection == collection && $0.state == state }
                    if listed.isEmpty { continue }
                    try Terminal.out("  \(label):")
                    for file in listed { try Terminal.out("    \(Terminal.printable(file.path)): \(Terminal.printable(file.error ?? ""))") }
                }
                let imported = files.filter { $0.collection == collection && $0.importedFrom != nil }
                if !imported.isEmpty {
                    let formats = Set(imported.compactMap(\.importedFrom?.format)).sorted().joined(separator: ", ")
                    try Terminal.out("  imported: \(imported.count) item(s) of hashes (\(formats)), no media file; "
                                     + "\(imported.reduce(0) { $0 + $1.frameCount }) frame hash(es)")
                    for file in imported.prefix(20) {
                        try Terminal.out("    \(Terminal.printable(file.displayPath)) (\(file.frameCount) frames, sha256 \(file.importedFrom?.sha256 ?? ""))")
                    }
                    if imported.count > 20 { try Terminal.out("    … and \(imported.count - 20) more") }
                }
                let warned = files.filter { $0.collection == collection && $0.state == .done && $0.warning != nil }
                if !warned.isEmpty {
                    try Terminal.out("  done with a warning:")
                    for file in warned { try Terminal.out("    \(Terminal.printable(file.path)): \(Terminal.printable(file.warning ?? ""))") }
                }
            }
            if let known = store as? any KnownMaterialStore {
                let sets = try await known.hashSets()
                if !sets.isEmpty {
                    let hits = try await known.knownFileHits()
                    let records = sets.reduce(0) { $0 + $1.records }
                    try Terminal.out("Known files: \(Set(hits.map(\.file.id)).count) evidence file(s) in \(sets.count) hash set(s) of \(records) record(s)")
                    var perCategory: [String: Set<Int64>] = [:]
                    for hit in hits { perCategory["\(hit.hashSet.collection): category \(hit.record.category ?? "(none)")", default: []].insert(hit.file.id) }
                    for (label, ids) in perCategory.sorted(by: { $0.key < $1.key }) {
                        try Terminal.out("  \(Terminal.printable(label)): \(ids.count) file(s)")
                    }
                }
            }
            if let shared = store as? any SharedScanStore {
                let workers = try await shared.workers()
                if !workers.isEmpty {
                    let iso = ISO8601DateFormatter()
                    try Terminal.out("Workers (times on the server's clock):")
                    for worker in workers {
                        let (how, holds) = Self.workerState(endedAt: worker.endedAt, holding: worker.holding, iso)
                        try Terminal.out("  \(Terminal.printable(worker.id)): scan #\(worker.scanID.map(String.init) ?? "?"), "
                                         + "last heartbeat \(iso.string(from: worker.heartbeatAt)), \(how); \(holds)")
                    }
                }
            }
            if let shared = store as? any SharedMatchStore { try await Self.printMatchWorkers(shared) }
            if let last = try await store.scans().last {
                let ended = last.outcome.map(\.rawValue) ?? "unfinished (killed, or still running)"
                let hint = last.isFinished ? "" : "; continue with `keyprint resume --db \(db)`"
                try Terminal.out("Last scan #\(last.id) of \(Terminal.printable(last.collection)): \(ended)\(hint)")
            }
        }
    }
}
