import Foundation
import Testing
@testable import KeyprintModel
@testable import KeyprintStore
@testable import KeyprintPipeline

/// Interop with ThreatExchange's own vPDQ output (`../shared/refdata/vpdq`): its published hash
/// files imported with `keyprint import vpdq`, its sample videos scanned, matched against the
/// imported hashes; and Keyprint's own `export frames --format vpdq` imported back.
@Suite(.serialized, .enabled(if: TestPaths.hasRefdata, "../shared/refdata is absent: vPDQ import interop not checked"))
struct ImportInteropTests {
    struct Case {
        var folder: TemporaryFolder
        var database: String
        var vpdq: String
        /// The timeline after `match --query ev --reference published` and `--query ev --reference ev`.
        var rows: [[String: String]]
        var durations: [String: Double]
    }

    static let sharedRoot = FileManager.default.temporaryDirectory.path + "/keyprint-import-test-\(getpid())"

    static func run(_ arguments: [String]) throws -> KeyprintBinary.Run {
        let result = try KeyprintBinary.run(arguments)
        guard result.status == 0 else {
            throw TestToolError(message: "keyprint \(arguments.joined(separator: " ")) exited \(result.status): \(result.stdout)\n\(result.stderr)")
        }
        return result
    }

    static let shared: Result<Case, any Error> = Result {
        try FileManager.default.createDirectory(atPath: sharedRoot, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(atPath: ImportInteropTests.sharedRoot) }
        let folder = TemporaryFolder(existing: sharedRoot)
        let database = folder.path + "/case.sqlite"
        let vpdq = EvidencePaths.realPath(TestPaths.refdata!.appendingPathComponent("vpdq").path)!
        _ = try run(["import", "vpdq", vpdq + "/hashes", "--db", database, "--collection", "published", "--quiet"])
        _ = try run(["scan", vpdq + "/videos", "--db", database, "--collection", "ev", "--jobs", "2", "--quiet"])
        _ = try run(["match", "--db", database, "--query", "ev", "--reference", "published", "--quiet"])
        _ = try run(["match", "--db", database, "--query", "ev", "--reference", "ev", "--no-derived-links", "--quiet"])
        let csv = folder.path + "/timeline.csv"
        _ = try run(["export", "timeline", "--db", database, "--output", csv])
        let table = TimelineCSVTests.parse(try String(contentsOfFile: csv, encoding: .utf8))
        let header = table[0]
        let rows = table.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(header, $0)) }
        let store = try SQLiteCaseStore(path: database, mode: .readOnly)
        var durations: [String: Double] = [:]
        let semaphore = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var files: Result<[StoredFile], any Error> = .success([])
        Task { do { files = .success(try await store.files(collection: "ev")) } catch { files = .failure(error) }; semaphore.signal() }
        semaphore.wait()
        for file in try files.get() { durations[file.relativePath] = file.media?.duration ?? 0 }
        return Case(folder: folder, database: database, vpdq: vpdq, rows: rows, durations: durations)
    }

    static func fixture() throws -> Case { try shared.get() }

    static func name(_ path: String) -> String {
        let last = path.split(separator: "/").last.map(String.init) ?? path
        return last.hasSuffix(".mp4") || last.hasSuffix(".txt") ? String(last.dropLast(4)) : last
    }

    static func family(_ name: String) -> String { String(name.split(separator: "-").first ?? "") }

    /// Every video except doorknob-hd links to its own published hashes over its whole length at
    /// offset 0 (doorknob: see `doorknobAtOneFramePerSecond`).
    @Test func eachVideoLinksToItsOwnPublishedHashesOverItsWholeLength() throws {
        let c = try Self.fixture()
        #expect(c.durations.count == 14)
        for (video, duration) in c.durations.sorted(by: { $0.key < $1.key }) where !video.hasPrefix("doorknob") {
            let own = "hashes from \(c.vpdq)/hashes/\(Self.name(video)).txt"
            let rows = c.rows.filter { Self.name($0["query_path"] ?? "") == Self.name(video) && $0["reference_path"] == own }
            #expect(rows.count == 1, "\(video): \(rows.count) segment(s) to its own hashes")
            guard let row = rows.first, let qs = Double(row["query_start_s"]!), let qe = Double(row["query_end_s"]!),
                  let rs = Double(row["reference_start_s"]!), let re = Double(row["reference_end_s"]!) else { continue }
            #expect(qs <= 0.5 && qe >= duration - 1, "\(video): \(qs)–\(qe) of \(duration) s")
            #expect(abs(rs - qs) <= 0.1 && abs(re - qe) <= 0.1, "\(video): offset \(rs - qs) … \(re - qe)")
            #expect(row["transform"] == "none")
            #expect(row["message"]?.contains("matches hashes from \(Self.name(video)).txt") == true, "\(row["message"] ?? "")")
            #expect(Double(row["mean_distance"]!)! <= 8, "\(video): mean \(row["mean_distance"]!) bits")
        }
    }

    /// The families link among themselves against the imported hashes as they do between the
    /// decoded videos, never across families.
    @Test func familiesLinkAsBetweenDecodedVideos() throws {
        let c = try Self.fixture()
        var decoded = Set<[String]>(), imported = Set<[String]>()
        for row in c.rows {
            let q = Self.name(row["query_path"]!), r = Self.name(row["reference_path"]!)
            #expect(Self.family(q) == Self.family(r), "cross-family link \(q) → \(r)")
            guard q != r else { continue }
            if row["reference_path"]!.hasPrefix("hashes from ") {
                // The items that have a decoded counterpart among the videos.
                if c.durations["\(r).mp4"] != nil { imported.insert([q, r].sorted()) }
            } else {
                decoded.insert([q, r].sorted())
            }
        }
        let missing = decoded.subtracting(imported), extra = imported.subtracting(decoded)
        print("decoded pairs \(decoded.count), through imported hashes \(imported.count); decoded only: \(missing.sorted { $0.lexicographicallyPrecedes($1) }); imported only: \(extra.sorted { $0.lexicographicallyPrecedes($1) })")
        #expect(decoded.count >= 15)
        // Region-against-region links (logos over the picture) have no counterpart: an imported
        // item has whole-frame hashes only.
        #expect(missing.count * 10 <= decoded.count, "decoded pairs not linked through imported hashes: \(missing)")
    }

    /// doorknob-hd is 4 s long; at one frame a second it has 2 frames of quality ≥ 50, too few
    /// for a 3-s segment against any hashes (its published ones came from another decode path,
    /// 21 bits off on average). Every frame of it links to its published hashes over 0–4 s.
    @Test func doorknobAtOneFramePerSecondAndEveryFrame() throws {
        let c = try Self.fixture()
        #expect(!c.rows.contains { Self.name($0["query_path"]!) == "doorknob-hd-no-bar" && $0["reference_path"]!.contains("/hashes/doorknob") })
        let folder = try TemporaryFolder("keyprint-doorknob")
        defer { folder.remove() }
        let evidence = try folder.sub("ev")
        try FileManager.default.copyItem(atPath: c.vpdq + "/videos/doorknob-hd-no-bar.mp4", toPath: evidence + "/doorknob-hd-no-bar.mp4")
        let db = folder.path + "/case.sqlite"
        _ = try Self.run(["scan", evidence, "--db", db, "--collection", "ev", "--all-frames", "--quiet"])
        _ = try Self.run(["import", "vpdq", c.vpdq + "/hashes/doorknob-hd-no-bar.txt", "--db", db, "--collection", "pub", "--quiet"])
        let match = try Self.run(["match", "--db", db, "--query", "ev", "--reference", "pub", "--quiet"])
        print("doorknob-hd, every frame, against its published hashes: \(match.stdout)")
        #expect(match.stdout.contains("ev:doorknob-hd-no-bar.mp4 0.0–4.0 s ↔ pub:doorknob-hd-no-bar.txt 0.0–4.0 s  none"), "\(match.stdout)")
    }

    /// `export frames --format vpdq` output imports back to the same hashes, qualities, frame
    /// numbers and (to vPDQ's millisecond) timestamps.
    @Test func exportedVPDQImportsBackToTheSameHashes() async throws {
        let c = try Self.fixture()
        let folder = try TemporaryFolder("keyprint-roundtrip")
        defer { folder.remove() }
        let db = folder.path + "/case.sqlite"
        _ = try Self.run(["export", "frames", "--db", c.database, "--collection", "ev", "--format", "vpdq", "--output-dir", folder.path + "/out"])
        let imported = try Self.run(["import", "vpdq", folder.path + "/out", "--db", db, "--collection", "roundtrip"])
        #expect(imported.stdout.contains("Imported 14 item(s)"), "\(imported.stdout)")
        let store = try SQLiteCaseStore(path: db, mode: .readOnly)
        let scanned = try SQLiteCaseStore(path: c.database, mode: .readOnly)
        let originals = try await scanned.files(collection: "ev")
        let copies = try await store.files(collection: "roundtrip")
        #expect(copies.count == originals.count)
        for original in originals {
            let copy = try #require(copies.first { $0.relativePath == original.relativePath + ".txt" })
            #expect(copy.importedFrom?.format == "vpdq")
            let a = try await scanned.frames(fileID: original.id), b = try await store.frames(fileID: copy.id)
            #expect(a.count == b.count && !a.isEmpty, "\(original.relativePath)")
            #expect(a.map(\.hash) == b.map(\.hash), "\(original.relativePath)")
            #expect(a.map(\.quality) == b.map(\.quality))
            #expect(a.map(\.index) == b.map(\.index))
            #expect(a.map { format3($0.timestamp) } == b.map { format3($0.timestamp) })
        }
    }
}
