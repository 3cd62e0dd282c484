import Foundation
import KeyprintModel
import KeyprintMatch
import KeyprintStore
import KeyprintPipeline

/// `keyprint-bench match-scale --persistent`: what a match run costs before it matches (load
/// every done file's hashes, build the seeded matcher) without and with the persistent index
/// file (docs/matching.md §1d), in child processes (`keyprint-bench prepare-db`) on the
/// benchmark's case databases; and with `--incremental K` the incremental run itself (K files
/// added) on two copies of the same database, one matched without the file, one with it.
enum PersistentIndexBenchmark {
    /// The child: load + build on `path`, reporting what came from the file.
    static func prepareDatabase(path: String, persistent: Bool) async throws {
        let store = try SQLiteCaseStore(path: path, mode: .existing)
        let prepared = try await MatchRunner(store: store).prepare(settings: ScaleBenchmark.settings(search: .seeded), persistentIndex: persistent)
        ScaleBenchmark.writePeak(path)
        let r = prepared.report
        let text = r.map { "\($0.filesFromIndex) / \($0.filesFromStore) | \($0.seedsFromIndex ? "from the file" : "built")\($0.written ? ", file written" : "")" }
            ?? "— / all | built"
        _ = FileManager.default.createFile(atPath: path + ".prepared", contents: Data(text.utf8))
        FileHandle.standardError.write(Data("prepare-db: \(prepared.frames) frames, \(prepared.indexedHashes) indexed; \(r?.problem ?? "")\n".utf8))
    }

    static func run(files: [Int], distributions: [String], samples: String, workDirectory: String) async throws -> String {
        let material = try ScaleLibrary.scannedPieces(directory: samples)
        let me = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
        var out = ["Load + build of a match run (every done file's hashes, the seeded matcher), child process, one thread: without the index file (before), the run that writes it, the next run that uses it.", "",
                   "| files | frames | distribution | step | CPU s | wall s | peak RSS MB | CPU µs / frame | files from the file / from the database | seed index |",
                   "|---:|---:|---|---|---:|---:|---:|---:|---|---|"]
        print(out.joined(separator: "\n"))
        for distribution in distributions {
            for n in files {
                let library = ScaleLibrary.make(files: n, clustered: distribution == "clustered", material: material)
                let path = try await ScaleBenchmark.database(for: library, name: "scale-\(distribution)-\(n)-\(distribution == "clustered" ? "v2" : "v1")",
                                                             workDirectory: workDirectory)
                try? FileManager.default.removeItem(atPath: path + ".keyprint-index")
                for (step, arguments) in [("without the index file (before)", ["--no-index-file"]), ("first run: builds and writes the file", []),
                                          ("next run: uses the file", [])] {
                    let m = try ScaleBenchmark.spawn(me, ["prepare-db", path] + arguments, database: path)
                    guard m.status == 0 else { throw NSError(domain: "prepare-db exited \(m.status)", code: Int(m.status)) }
                    let what = (try? String(contentsOfFile: path + ".prepared", encoding: .utf8)) ?? "?"
                    let row = "| \(n) | \(library.frameCount) | \(distribution) | \(step) | \(fixed(m.cpu, 2)) | \(fixed(m.wall, 2)) | \(fixed(m.rssMB, 0)) | "
                        + "\(fixed(m.cpu * 1e6 / Double(library.frameCount), 2)) | \(what) |"
                    out.append(row)
                    print(row)
                    fflush(nil)
                }
            }
        }
        return out.joined(separator: "\n")
    }

    static func copyCase(_ from: String, to: String) throws {
        for suffix in ["", "-wal", "-shm", ".keyprint-index"] {
            try? FileManager.default.removeItem(atPath: to + suffix)
            if FileManager.default.fileExists(atPath: from + suffix) { try FileManager.default.copyItem(atPath: from + suffix, toPath: to + suffix) }
        }
    }

    /// N − K files matched (the run writes the index file), K added; the incremental run on a
    /// copy without the file (`--no-index-file`) and on a copy with it.
    static func incremental(files: [Int], added: [Int], distributions: [String], samples: String, workDirectory: String) async throws -> String {
        let material = try ScaleLibrary.scannedPieces(directory: samples)
        let me = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
        var out = ["Incremental run (K files added to N − K matched ones, reusing the first run) without and with the index file, on two copies of the same database; seeded search, one job.", "",
                   "| files | added | distribution | first run CPU s | incremental without the file: CPU s | peak RSS MB | with the file: CPU s | peak RSS MB | same segments | planted found | other pairs |",
                   "|---:|---:|---|---:|---:|---:|---:|---:|---|---:|---:|"]
        print(out.joined(separator: "\n"))
        try FileManager.default.createDirectory(atPath: workDirectory, withIntermediateDirectories: true)
        for distribution in distributions {
            for n in files {
                for k in added where k < n {
                    let library = ScaleLibrary.make(files: n, clustered: distribution == "clustered", material: material)
                    let path = workDirectory + "/persistent-\(distribution)-\(n)-\(k).sqlite"
                    let copy = workDirectory + "/persistent-\(distribution)-\(n)-\(k)-without.sqlite"
                    for suffix in ["", "-wal", "-shm", ".keyprint-index"] { try? FileManager.default.removeItem(atPath: path + suffix) }
                    do {
                        let store = try SQLiteCaseStore(path: path, mode: .create)
                        try await ScaleBenchmark.commit(library, 0..<(n - k), to: store)
                    }
                    let first = try ScaleBenchmark.spawn(me, ["match-db", path, "seeded"], database: path)
                    do {
                        let store = try SQLiteCaseStore(path: path, mode: .existing)
                        try await ScaleBenchmark.commit(library, (n - k)..<n, to: store)
                    }
                    try copyCase(path, to: copy)
                    try? FileManager.default.removeItem(atPath: copy + ".keyprint-index")
                    let without = try ScaleBenchmark.spawn(me, ["match-db", copy, "seeded", "--no-index-file"], database: copy)
                    let with = try ScaleBenchmark.spawn(me, ["match-db", path, "seeded"], database: path)
                    guard first.status == 0, without.status == 0, with.status == 0 else { throw NSError(domain: "match-db failed", code: 1) }
                    func last(_ p: String) async throws -> [MatchSegment] {
                        let store = try SQLiteCaseStore(path: p, mode: .readOnly)
                        return try await store.matchSegments(runID: try await store.matchRuns().map(\.id).max() ?? 0)
                    }
                    let a = try await last(copy), b = try await last(path)
                    let same = a.map { "\($0)" }.sorted() == b.map { "\($0)" }.sorted()
                    let scored = library.score(b)
                    let row = "| \(n) | \(k) | \(distribution) | \(fixed(first.cpu, 1)) | \(fixed(without.cpu, 1)) | \(fixed(without.rssMB, 0)) | "
                        + "\(fixed(with.cpu, 1)) | \(fixed(with.rssMB, 0)) | \(same ? "yes" : "**no**") | \(scored.found) / \(library.planted.count) | "
                        + "\(scored.extraDirect) + \(scored.extraDerived) |"
                    out.append(row)
                    print(row)
                    fflush(nil)
                    for suffix in ["", "-wal", "-shm", ".keyprint-index"] { try? FileManager.default.removeItem(atPath: copy + suffix) }
                }
            }
        }
        return out.joined(separator: "\n")
    }
}
