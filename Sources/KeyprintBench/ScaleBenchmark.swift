import Foundation
import KeyprintModel
import KeyprintIndex
import KeyprintMatch
import KeyprintStore
import KeyprintPipeline

/// `keyprint-bench match-scale`: every file against every other on synthetic libraries made of
/// real scanned hashes (`ScaleLibrary`), through the product's own path: the library is
/// committed to a SQLite case database with the store's API, then a child process
/// (`keyprint-bench match-db`) runs `MatchRunner` on it (load, index, match, derived links,
/// store) with one job, and the parent reads its CPU time, wall time and peak RSS from
/// `wait4`, then scores the stored run against the planted copies.
enum ScaleBenchmark {
    struct Row {
        var files: Int
        var frames: Int
        var distribution: String
        var search: String
        var cpu: Double
        var wall: Double
        var peakRSSMB: Double
        /// The matcher's search structures per indexed hash, bytes (the child's report).
        var indexBytesPerHash: Double
        var found: Int
        var covered: Int
        var planted: Int
        var extraDirect: Int
        var extraDerived: Int
    }

    static func header() -> String {
        """
        | files | frames | distribution | search | CPU s | wall s | peak RSS MB | peak RSS B / frame | index B / indexed hash | planted found | of them ≥ 70 % covered | other pairs (direct + derived) |
        |---:|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|
        """
    }

    static func line(_ r: Row) -> String {
        "| \(r.files) | \(r.frames) | \(r.distribution) | \(r.search) | \(fixed(r.cpu, 1)) | \(fixed(r.wall, 1)) | \(fixed(r.peakRSSMB, 0)) | "
            + "\(fixed(r.peakRSSMB * 1_048_576 / Double(max(1, r.frames)), 0)) | \(fixed(r.indexBytesPerHash, 1)) | "
            + "\(r.found) / \(r.planted) | \(r.covered) | \(r.extraDirect) + \(r.extraDerived) |"
    }

    /// Commits videos `range` of `library` as done files of collection "library" (ids = video ids).
    static func commit(_ library: ScaleLibrary, _ range: Range<Int>, to store: SQLiteCaseStore) async throws {
        let settings = ScanSettings(sampling: .defaultInterval, timeBudget: 60, jobs: 1)
        let scan = try await store.beginScan(root: "/synthetic", collection: "library", settings: settings,
                                             commandLine: "keyprint-bench match-scale", versions: "synthetic")
        let videos = Array(library.videos[range])
        let ids = try await store.markPending(collection: "library", root: "/synthetic",
                                              files: videos.map { (String(format: "f%06lld.mp4", $0.videoID), nil) }, scanID: scan.id)
        for (id, video) in zip(ids, videos) {
            precondition(id == video.videoID, "file ids follow the library's video ids")
            try await store.commit(FileOutcome(fileID: id, state: .done, size: 1, mtimeNanoseconds: 1, frames: video.frames,
                                               processingSeconds: 0), scanID: scan.id)
        }
        try await store.finishScan(scan)
    }

    /// `keyprint-bench match-scale --incremental K`: a library of N files of which the last K
    /// are added after a first full run; the second run (incremental, the product's default)
    /// against a third with `reuse` off on the same database. Fresh database each time.
    static func incremental(files: [Int], added: [Int], distributions: [String], samples: String, workDirectory: String) async throws -> String {
        let material = try ScaleLibrary.scannedPieces(directory: samples)
        let me = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
        var out = ["Incremental: N files matched (full run), K more added, matched again (reusing the first run), then a full run with reuse off (--full); seeded search, one job.", "",
                   "| files | added | distribution | first run CPU s | incremental CPU s | queries reused | full re-run CPU s | incremental = full | planted found | other pairs |",
                   "|---:|---:|---|---:|---:|---:|---:|---|---:|---:|"]
        print(out.joined(separator: "\n"))
        try FileManager.default.createDirectory(atPath: workDirectory, withIntermediateDirectories: true)
        for distribution in distributions {
            for n in files {
                for k in added where k < n {
                    let library = ScaleLibrary.make(files: n, clustered: distribution == "clustered", material: material)
                    let path = workDirectory + "/incremental-\(distribution)-\(n)-\(k).sqlite"
                    for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
                    do {
                        let store = try SQLiteCaseStore(path: path, mode: .create)
                        try await commit(library, 0..<(n - k), to: store)
                    }
                    let first = try spawn(me, ["match-db", path, "seeded"], database: path)
                    do {
                        let store = try SQLiteCaseStore(path: path, mode: .existing)
                        try await commit(library, (n - k)..<n, to: store)
                    }
                    let second = try spawn(me, ["match-db", path, "seeded"], database: path)
                    let reused = (try? String(contentsOfFile: path + ".reused", encoding: .utf8)).flatMap { Int($0) } ?? -1
                    let store = try SQLiteCaseStore(path: path, mode: .readOnly)
                    let incrementalSegments = try await store.matchSegments(runID: try await store.matchRuns().map(\.id).max() ?? 0)
                    let third = try spawn(me, ["match-db", path, "seeded", "--full"], database: path)
                    let fullSegments = try await store.matchSegments(runID: try await store.matchRuns().map(\.id).max() ?? 0)
                    let same = incrementalSegments.map { "\($0)" }.sorted() == fullSegments.map { "\($0)" }.sorted()
                    let scored = library.score(incrementalSegments)
                    guard first.status == 0, second.status == 0, third.status == 0 else { throw NSError(domain: "match-db failed", code: 1) }
                    let row = "| \(n) | \(k) | \(distribution) | \(fixed(first.cpu, 1)) | \(fixed(second.cpu, 1)) | \(reused) of \(n) | \(fixed(third.cpu, 1)) | \(same ? "yes" : "**no**") | "
                        + "\(scored.found) / \(library.planted.count) | \(scored.extraDirect) + \(scored.extraDerived) |"
                    out.append(row)
                    print(row)
                    fflush(nil)
                }
            }
        }
        return out.joined(separator: "\n")
    }

    /// Builds (or reuses) the case database of a library; returns its path.
    static func database(for library: ScaleLibrary, name: String, workDirectory: String) async throws -> String {
        try FileManager.default.createDirectory(atPath: workDirectory, withIntermediateDirectories: true)
        let path = workDirectory + "/" + name + ".sqlite"
        let marker = path + ".complete"
        if FileManager.default.fileExists(atPath: marker) { return path }
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        let store = try SQLiteCaseStore(path: path, mode: .create)
        let settings = ScanSettings(sampling: .defaultInterval, timeBudget: 60, jobs: 1)
        let scan = try await store.beginScan(root: "/synthetic", collection: "library", settings: settings,
                                             commandLine: "keyprint-bench match-scale", versions: "synthetic")
        let ids = try await store.markPending(collection: "library", root: "/synthetic",
                                              files: library.videos.map { (String(format: "f%06lld.mp4", $0.videoID), nil) }, scanID: scan.id)
        for (id, video) in zip(ids, library.videos) {
            precondition(id == video.videoID, "file ids follow the library's video ids")
            try await store.commit(FileOutcome(fileID: id, state: .done, size: 1, mtimeNanoseconds: 1, frames: video.frames,
                                               processingSeconds: 0), scanID: scan.id)
        }
        try await store.finishScan(scan)
        _ = FileManager.default.createFile(atPath: marker, contents: Data())
        return path
    }

    /// Peak resident memory of this process (`VmHWM`), MB. Read by the child itself: the
    /// `ru_maxrss` that wait4 reports for a posix_spawn-ed child also counts the parent's peak
    /// at the time of the spawn (the child starts on the parent's address space).
    static func peakResidentMB() -> Double {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }) else { return 0 }
        return Double(line.split(separator: " ").dropFirst().first ?? "0").map { $0 / 1024 } ?? 0
    }

    /// The child's report of its peak memory, next to the database.
    static func writePeak(_ path: String, indexBytesPerHash: Double = 0) {
        _ = FileManager.default.createFile(atPath: path + ".peak", contents: Data("\(peakResidentMB()) \(indexBytesPerHash)".utf8))
    }

    /// Runs `executable arguments` and waits: (CPU user + sys, wall, peak RSS in MB as the child
    /// wrote it to `database.peak`, exit status).
    static func spawn(_ executable: String, _ arguments: [String], database: String) throws -> (cpu: Double, wall: Double, rssMB: Double, indexBytesPerHash: Double, status: Int32) {
        try? FileManager.default.removeItem(atPath: database + ".peak")
        var pid: pid_t = 0
        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let start = Date()
        let rc = posix_spawn(&pid, executable, nil, nil, argv, environ)
        guard rc == 0 else { throw NSError(domain: "spawn", code: Int(rc)) }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
        let wall = Date().timeIntervalSince(start)
        let cpu = Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) * 1e-6
            + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) * 1e-6
        let report = ((try? String(contentsOfFile: database + ".peak", encoding: .utf8)) ?? "").split(separator: " ").compactMap { Double($0) }
        return (cpu, wall, report.first ?? .nan, report.count > 1 ? report[1] : .nan, status)
    }

    static func settings(search: MatchSettings.CandidateSearch) -> MatchSettings {
        var s = MatchSettings()
        s.candidateSearch = search
        return s
    }

    /// The child: one every-against-every match run on `path`, one job. Prints the run id.
    static func matchDatabase(path: String, search: MatchSettings.CandidateSearch, reuse: Bool = true, persistentIndex: Bool = true) async throws {
        let store = try SQLiteCaseStore(path: path, mode: .existing)
        var request = MatchRequest(
            queryCollection: nil, referenceCollection: nil, settings: settings(search: search), jobs: 1,
            commandLine: "keyprint-bench match-db \(search.rawValue)", reuse: reuse)
        request.persistentIndex = persistentIndex
        let summary = try await MatchRunner(store: store).run(request)
        _ = FileManager.default.createFile(atPath: path + ".reused", contents: Data(String(summary.reusedQueries).utf8))
        writePeak(path, indexBytesPerHash: Double(summary.indexBytes) / Double(max(1, summary.indexedHashes)))
        FileHandle.standardError.write(Data("match-db: run \(summary.run.id), \(summary.search.rawValue), \(summary.indexedHashes) indexed hashes, \(summary.segments.count) segments, \(summary.linkedPairs) pairs\n".utf8))
    }

    /// The child of a load-only row: reads every done file's hashes as `MatchRunner` does.
    static func loadDatabase(path: String) async throws {
        let store = try SQLiteCaseStore(path: path, mode: .readOnly)
        let videos = try await store.videoFrames(collection: nil)
        writePeak(path)
        FileHandle.standardError.write(Data("load-db: \(videos.count) files, \(videos.reduce(0) { $0 + $1.frames.count }) frames\n".utf8))
    }

    static func run(files: [Int], distributions: [String], searches: [MatchSettings.CandidateSearch], maxExhaustiveFiles: Int,
                    samples: String, workDirectory: String, loadOnly: Bool = false) async throws -> String {
        let material = try ScaleLibrary.scannedPieces(directory: samples)
        let me = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
        var out = ["Material: \(material.count) videos of \(samples), \(material.reduce(0) { $0 + $1.count }) frames at 1 frame/s.", "", header()]
        print(out.joined(separator: "\n"))
        for distribution in distributions {
            for n in files {
                let library = ScaleLibrary.make(files: n, clustered: distribution == "clustered", material: material)
                let path = try await database(for: library, name: "scale-\(distribution)-\(n)-\(distribution == "clustered" ? "v2" : "v1")", workDirectory: workDirectory)
                if loadOnly {
                    let m = try spawn(me, ["load-db", path], database: path)
                    let row = "| \(n) | \(library.frameCount) | \(distribution) | (load from the store only) | \(fixed(m.cpu, 1)) | \(fixed(m.wall, 1)) | \(fixed(m.rssMB, 0)) | \(fixed(m.rssMB * 1_048_576 / Double(library.frameCount), 0)) | | | | |"
                    out.append(row)
                    print(row)
                }
                for search in searches where search != .exhaustive || n <= maxExhaustiveFiles {
                    let m = try spawn(me, ["match-db", path, search.rawValue, "--full"], database: path)   // a full run, whatever an earlier run left
                    guard m.status == 0 else { throw NSError(domain: "match-db exited \(m.status)", code: Int(m.status)) }
                    let store = try SQLiteCaseStore(path: path, mode: .readOnly)
                    guard let runID = try await store.matchRuns().map(\.id).max() else { throw NSError(domain: "no run", code: 1) }
                    let segments = try await store.matchSegments(runID: runID)
                    let scored = library.score(segments, verbose: true)
                    let row = Row(files: n, frames: library.frameCount, distribution: distribution, search: search.rawValue,
                                  cpu: m.cpu, wall: m.wall, peakRSSMB: m.rssMB, indexBytesPerHash: m.indexBytesPerHash, found: scored.found, covered: scored.covered, planted: library.planted.count,
                                  extraDirect: scored.extraDirect, extraDerived: scored.extraDerived)
                    out.append(line(row))
                    print(line(row))
                    fflush(nil)
                }
            }
        }
        return out.joined(separator: "\n")
    }
}

extension ScaleBenchmark {
    /// Resident memory of this process now, MB (`VmRSS`).
    static func residentMB() -> Double {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }) else { return 0 }
        return Double(line.split(separator: " ").dropFirst().first ?? "0").map { $0 / 1024 } ?? 0
    }

    /// One new 300-frame video (a planted 60-s excerpt of a stored file, 0–8 bits of noise per
    /// frame, between fresh material) against a library of `size` stored frames, in memory:
    /// build the matcher once, then time `match(query:)` on this thread.
    static func indexOnly(sizes: [Int], searches: [MatchSettings.CandidateSearch], samples: String) throws -> String {
        let material = try ScaleLibrary.scannedPieces(directory: samples)
        var out = ["One new 300-frame video (a 60-s excerpt of a stored file planted in it) against N stored frames, in memory, one thread.", "",
                   "| stored frames | search | build (s CPU) | memory of the matcher (MB) | index B / indexed hash | match one video (s CPU) | match (s wall) | planted found | other segments |",
                   "|---:|---|---:|---:|---:|---:|---:|---:|---:|"]
        print(out.joined(separator: "\n"))
        for size in sizes {
            var library = ScaleLibrary.make(files: max(1, size / 185), clustered: false, material: material, seed: 3)
            var rng = SplitMix64(seed: 11)
            // A source outside the library's planted pairs, so no stored copy of it matches too.
            let inPairs = Set(library.planted.flatMap { [$0.copy, $0.source] })
            let sourceIndex = library.videos.indices.first { library.videos[$0].frames.count >= 120 && !inPairs.contains(library.videos[$0].videoID) }!
            let source = library.videos[sourceIndex]
            let start = 30
            var frames: [FrameHash] = []
            func add(_ q: Int, _ h: PDQHash, _ m: PDQHash) { frames.append(FrameHash(index: frames.count, timestamp: Double(frames.count), quality: q, hash: h, mirrorHash: m)) }
            while frames.count < 120 { for f in ScaleLibrary.piece(material, length: 5...25, &rng) where frames.count < 120 { add(f.0, f.1, f.2) } }
            for f in source.frames[start..<(start + 60)] {
                add(f.quality, f.hash.flippingRandomBits(Int.random(in: 0...8, using: &rng), using: &rng),
                    f.mirrorHash.flippingRandomBits(Int.random(in: 0...8, using: &rng), using: &rng))
            }
            while frames.count < 300 { for f in ScaleLibrary.piece(material, length: 5...25, &rng) where frames.count < 300 { add(f.0, f.1, f.2) } }
            let query = VideoFrames(videoID: 0, frames: frames, duration: 300)
            let stored = library.frameCount
            library.planted = []
            for search in searches {
                let before = residentMB()
                let (matcher, build) = measure { Matcher(references: library.videos, settings: settings(search: search)) }
                let memory = residentMB() - before
                let (segments, time) = measure { matcher.match(query: query) }
                // Found: the source's segments on the planted line (offset −90 s) cover at least
                // 70 % of the excerpt's usable samples (runs of flat material split it).
                let onLine = segments.filter { s in
                    s.referenceVideoID == source.videoID && abs((s.referenceStart - s.queryStart) + 90) <= 1.5
                        && abs((s.referenceEnd - s.queryEnd) + 90) <= 1.5
                }
                let usable = frames[120..<180].filter { $0.quality >= 50 }
                let inside = usable.filter { f in onLine.contains { f.timestamp >= $0.queryStart - 1e-9 && f.timestamp <= $0.queryEnd + 1e-9 } }
                let found = !onLine.isEmpty && Double(inside.count) >= 0.7 * Double(usable.count)
                for s in segments where !onLine.contains(s) {
                    FileHandle.standardError.write(Data("index-only other: ref \(s.referenceVideoID) q \(fixed(s.queryStart, 1))–\(fixed(s.queryEnd, 1)) r \(fixed(s.referenceStart, 1))–\(fixed(s.referenceEnd, 1))\n".utf8))
                }
                let perHash = Double(matcher.indexByteCount) / Double(max(1, matcher.indexedHashCount))
                let row = "| \(stored) | \(search.rawValue) | \(fixed(build.cpu, 2)) | \(fixed(memory, 0)) | \(fixed(perHash, 1)) | \(fixed(time.cpu, 3)) | \(fixed(time.wall, 3)) | "
                    + "\(found ? 1 : 0) / 1 | \(segments.count - onLine.count) |"
                out.append(row)
                print(row)
                fflush(nil)
            }
        }
        return out.joined(separator: "\n")
    }
}

extension ScaleBenchmark {
    /// `keyprint-bench compare-search DB`: per (query, reference) pair of a case database, the
    /// raw frame matches of the exhaustive search that the seeded search does not see, with the
    /// closest such match's distance.
    static func compareSearch(path: String) async throws -> String {
        let store = try SQLiteCaseStore(path: path, mode: .readOnly)
        let videos = try await store.videoFrames(collection: nil)
        let exhaustive = Matcher(references: videos, settings: settings(search: .exhaustive))
        let seeded = Matcher(references: videos, settings: settings(search: .seeded))
        var lines: [String] = []
        var pairs = 0, missedPairs = 0, matches = 0, missedMatches = 0
        for q in videos {
            let a = exhaustive.rawFrameMatches(query: q), b = seeded.rawFrameMatches(query: q)
            for (v, list) in a {
                pairs += 1
                matches += list.count
                let seen = b[v]?.count ?? 0
                if seen < list.count {
                    missedMatches += list.count - seen
                    if seen == 0 { missedPairs += 1 }
                    lines.append("query \(q.videoID) reference \(videos[v].videoID): \(seen) of \(list.count) matches, distances \(list.map(\.distance).sorted())")
                }
            }
        }
        lines.append("pairs with matches \(pairs), missed entirely \(missedPairs); matches \(matches), missed \(missedMatches)")
        return lines.joined(separator: "\n")
    }
}
