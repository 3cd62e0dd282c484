import ArgumentParser
import Foundation
import KeyprintExport
import KeyprintMatch
import KeyprintModel
import KeyprintPipeline
import KeyprintStore

extension Keyprint {
    struct Match: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Link files of a case database: time-aligned segments of the same recording.",
            discussion: """
            Default: every done file against every other file of the database; each linked pair \
            of files is aligned and stored once, from both files' frame matches (the file whose \
            sampled time ends first is the query), so it reads the same whichever was looked up first. With --query \
            and/or --reference: each file of the query collection against the files of the \
            reference collection (a missing one means every collection). The results replace \
            earlier results of the same comparison; write them out with `keyprint export timeline`.

            --threshold BITS: largest Hamming distance (of 256 bits) at which two frame hashes \
            match; 31 is vPDQ's default; lower is stricter. Frames of PDQ quality below 50 \
            (black, flat, blurred) never match.
            --min-duration S: shortest segment reported, in seconds of query time.
            transform (per segment): none (plain frames), mirror (the left-right mirrored hash \
            matched), crop (one side's content region, e.g. the webcam pane or the picture inside \
            letterbox bars, matched the other side's whole frames; region against region is none), \
            mirror+crop (both).
            Derived links: when every file is compared with every other (no --query/--reference, \
            or the same collection for both), two files that did not match each other but both \
            matched a third file over the same stretch are linked through it (degraded copies \
            of one recording often drift too far apart to match directly). Such segments name \
            the third file in the timeline's linked_via column, have matched_frames 0, and \
            their mean_distance is the sum of the two links' (an upper bound). \
            --no-derived-links turns this off.

            Defaults: --threshold 31, --min-duration 3, --jobs = the number of cores, derived \
            links on. Incremental: when the previous run of the same comparison had the same \
            settings, a query file that is unchanged and whose frames match no new, changed or \
            removed file keeps its results from that run (the results equal a full run); --full \
            matches every query again (incremental reuse is SQLite-only). On a postgres:// case, \
            several `keyprint match` processes (machines) with the same options divide the query \
            files between them (each claimed under a lease, see --worker-id, --lease-seconds) and \
            store one run: the last to finish stores it, and each prints it. While a scan of the same case runs, the results cover only the files it has \
            done so far: a warning on stderr says so.
            """ + ExitStatus.helpSection(ExitStatus.readingCommand)
        )

        @OptionGroup var database: CaseDatabaseOptions

        @OptionGroup var workers: WorkerOptions

        @Option(name: .long, help: ArgumentHelp("Only files of this collection as queries.", valueName: "COLLECTION"))
        var query: String?

        @Option(name: .long, help: ArgumentHelp("Only files of this collection as references.", valueName: "COLLECTION"))
        var reference: String?

        @Option(name: .long, help: ArgumentHelp("Match radius in bits of 256.", valueName: "BITS"))
        var threshold: Int = 31

        @Option(name: .long, help: ArgumentHelp("Shortest segment, seconds of query time.", valueName: "S"))
        var minDuration: Double = 3

        @Option(name: .long, help: "Query files matched at once (default: the number of cores).")
        var jobs: Int?

        @Flag(name: .long, help: "Do not link files through a third file they both match.")
        var noDerivedLinks = false

        @Option(name: .long, help: ArgumentHelp(
            "How frames find their matches: exhaustive (every frame within the radius), seeded (candidate files by exact agreement on one long chunk, then every frame of a candidate at the radius; sub-linear), automatic (exhaustive up to 100000 indexed hashes).",
            valueName: "SEARCH"))
        var search: MatchSettings.CandidateSearch = .automatic

        @Flag(name: .long, help: "Match every query file again instead of reusing the previous run's results for unchanged files.")
        var full = false

        @Flag(name: .long, help: "Neither read nor write the index file beside the case database (CASE.sqlite.keyprint-index): read every file's hashes from the database and build the index in memory.")
        var noIndexFile = false

        @Flag(name: .long, help: "No progress output.")
        var quiet = false

        func validate() throws {
            if !(0...128).contains(threshold) { throw ValidationError("--threshold takes 0…128 bits.") }
            if !(minDuration >= 0 && minDuration.isFinite) { throw ValidationError("--min-duration takes a number of seconds ≥ 0.") }
            if let jobs, jobs < 1 { throw ValidationError("--jobs takes a positive number.") }
            try workers.check()
        }

        func run() async throws {
            let store = try await database.open(.write).store
            let db = database.displayed
            try await Self.warnIfAScanRuns(store)
            if try await store.doneFiles().isEmpty {
                throw CommandFailure(.usage, "nothing to match: no file of \(db) is done; scan a folder first (keyprint scan FOLDER --db \(Terminal.shellQuoted(db)))")
            }
            var settings = MatchSettings()
            settings.thresholdBits = threshold
            settings.minDuration = minDuration
            settings.deriveLinks = !noDerivedLinks
            settings.candidateSearch = search
            var request = MatchRequest(queryCollection: query, referenceCollection: reference, settings: settings,
                                       jobs: jobs ?? ProcessInfo.processInfo.activeProcessorCount, commandLine: Terminal.commandLine,
                                       reuse: !full)
            // A shared (PostgreSQL) case: this process is one of the workers that divide the run.
            if store is any SharedMatchStore { request.worker = MatchWorker(id: workers.id, leaseSeconds: workers.leaseSeconds) }
            request.persistentIndex = !noIndexFile
            let showProgress = !quiet
            let summary = try await MatchRunner(store: store).run(request) { done, total in
                if showProgress && total > 0 && (done == total || done % 10 == 0) {
                    Terminal.error("matched \(done)/\(total) query files")
                }
            }
            var names: [Int64: String] = [:]
            for file in try await store.files(collection: nil) { names[file.id] = file.collection + ":" + file.relativePath }
            try Terminal.out("Compared \(summary.queryFiles) query file(s) against \(summary.referenceFiles) reference file(s) "
                         + "(threshold \(threshold) bits, min duration \(minDuration) s).")
            if let reusedRun = summary.reusedRun {
                try Terminal.out("Reused the results of \(summary.reusedQueries) unchanged query file(s) from match run #\(reusedRun) "
                             + "(no frame match with a new, changed or removed file); matched \(summary.queryFiles - summary.reusedQueries) query file(s).")
            }
            if summary.search == .seeded {
                try Terminal.out("Candidate search: seeded (\(summary.indexedHashes) indexed hashes); see docs/matching.md.")
            }
            if let index = summary.persistentIndex {
                if index.path.isEmpty {
                    try Terminal.out("Index file: none (\(index.problem ?? "")); every file's hashes read from the database.")
                } else {
                    let seeds = summary.search != .seeded ? "" : index.seedsFromIndex ? "; seed index taken from it" : "; seed index built"
                    try Terminal.out("Index file: \(index.filesFromIndex) file(s) taken from \(Terminal.printable(index.path)), \(index.filesFromStore) read from the database\(seeds)"
                                 + (index.written ? "; written again." : "."))
                }
                if let problem = index.problem, !index.path.isEmpty, problem != "no index file yet" {
                    Terminal.error("warning: index file: \(problem) (rebuilt from the database where possible)")
                }
            }
            let derived = summary.derivedPairs > 0 ? " (\(summary.derivedPairs) only through a third file)" : ""
            try Terminal.out("\(summary.segments.count) segment(s) linking \(summary.linkedPairs) pair(s) of files\(derived); stored as match run #\(summary.run.id).")
            if !summary.segments.isEmpty { try Terminal.out("Top links:") }
            for s in summary.segments.prefix(10) {
                let q = Terminal.printable(names[s.queryVideoID] ?? "#\(s.queryVideoID)")
                let r = Terminal.printable(names[s.referenceVideoID] ?? "#\(s.referenceVideoID)")
                let via = s.via.map { "  via " + Terminal.printable(names[$0] ?? "#\($0)") } ?? ""
                try Terminal.out("  \(q) \(span(s.queryStart, s.queryEnd)) ↔ \(r) \(span(s.referenceStart, s.referenceEnd))  "
                             + "\(s.transform.rawValue)  score \(String(format: "%.1f", s.score))\(via)")
            }
            try Terminal.out("Write the timeline: keyprint export timeline --db \(db) --output TIMELINE.csv")
        }

        /// A running scan holds the case's scan lock: taking it (and giving it back at once)
        /// fails then, and the results will cover only the files it has committed.
        static func warnIfAScanRuns(_ store: any CaseStore) async throws {
            do {
                try await store.acquireScanLock().release()
            } catch StoreError.locked(path: _) {
                Terminal.error("warning: a scan of this case database is running; these results cover only the files it has "
                               + "done so far. Run `keyprint match` again when it has finished.")
            } catch {
                // The lock could not be checked (say, a read-only file system): nothing to warn about.
            }
        }

        private func span(_ a: Double, _ b: Double) -> String { String(format: "%.1f–%.1f s", a, b) }
    }
}

extension MatchSettings.CandidateSearch: ExpressibleByArgument {}
