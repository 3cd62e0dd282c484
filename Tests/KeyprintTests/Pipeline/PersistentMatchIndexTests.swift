import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif
@testable import KeyprintModel
@testable import KeyprintIndex
@testable import KeyprintMatch
@testable import KeyprintStore
@testable import KeyprintPipeline

/// The persistent match index (docs/matching.md §1d): a run that uses it stores exactly the
/// segments of a run that reads everything from the store; it is kept, extended when files
/// change, and a damaged, torn or killed write is detected and rebuilt.
@Suite struct PersistentMatchIndexTests {
    /// A synthetic case: `files` files of 40–80 random frames, every fifth one a noisy copy
    /// (1–6 flipped bits per frame) of a stretch of an earlier file, committed through the store.
    static func makeCase(at path: String, files: Int, seed: UInt64 = 7) async throws -> SQLiteCaseStore {
        let store = try SQLiteCaseStore(path: path, mode: .create)
        var rng = SplitMix64(seed: seed)
        var made: [[FrameHash]] = []
        for f in 0..<files {
            var frames: [FrameHash] = []
            if f % 5 == 4, let source = made.last(where: { $0.count >= 30 }) {
                for (i, s) in source.prefix(30).enumerated() {
                    frames.append(FrameHash(index: i, timestamp: Double(i), quality: s.quality,
                                            hash: s.hash.flippingRandomBits(Int.random(in: 1...6, using: &rng), using: &rng),
                                            mirrorHash: s.mirrorHash.flippingRandomBits(Int.random(in: 1...6, using: &rng), using: &rng)))
                }
            } else {
                for i in 0..<Int.random(in: 40...80, using: &rng) {
                    let h = PDQHash(w0: rng.next(), w1: rng.next(), w2: rng.next(), w3: rng.next())
                    frames.append(FrameHash(index: i, timestamp: Double(i), quality: i % 9 == 0 ? 20 : 90, hash: h,
                                            mirrorHash: PDQHash(w0: rng.next(), w1: rng.next(), w2: rng.next(), w3: rng.next())))
                }
            }
            made.append(frames)
        }
        try await commit(made, startingAt: 0, to: store)
        return store
    }

    static func commit(_ videos: [[FrameHash]], startingAt first: Int, to store: SQLiteCaseStore) async throws {
        let settings = ScanSettings(sampling: .defaultInterval, timeBudget: 60, jobs: 1)
        let scan = try await store.beginScan(root: "/synthetic", collection: "c", settings: settings, commandLine: "test", versions: "test")
        let ids = try await store.markPending(collection: "c", root: "/synthetic",
                                              files: videos.indices.map { (relativePath: String(format: "f%05d.mp4", first + $0), stamp: nil) },
                                              scanID: scan.id)
        for (id, frames) in zip(ids, videos) {
            try await store.commit(FileOutcome(fileID: id, state: .done, size: 1, mtimeNanoseconds: 1, frames: frames, processingSeconds: 0),
                                   scanID: scan.id)
        }
        try await store.finishScan(scan)
    }

    static func request(persistent: Bool) -> MatchRequest {
        var settings = MatchSettings()
        settings.candidateSearch = .seeded
        var r = MatchRequest(queryCollection: nil, referenceCollection: nil, settings: settings, jobs: 1, commandLine: "test", reuse: false)
        r.persistentIndex = persistent
        return r
    }

    static func canonical(_ segments: [MatchSegment]) -> [String] { segments.map { "\($0)" } }

    /// A run with reading everything from the store, as a reference.
    static func reference(_ store: SQLiteCaseStore) async throws -> [String] {
        canonical(try await MatchRunner(store: store).run(request(persistent: false)).segments)
    }

    static func run(_ store: SQLiteCaseStore) async throws -> (segments: [String], report: PersistentIndexReport) {
        let summary = try await MatchRunner(store: store).run(request(persistent: true))
        return (canonical(summary.segments), try #require(summary.persistentIndex))
    }

    @Test func keptUsedAndExtendedWithTheSameResults() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let path = folder.path + "/case.sqlite"
        let store = try await Self.makeCase(at: path, files: 60)
        let expected = try await Self.reference(store)
        #expect(!expected.isEmpty)

        let first = try await Self.run(store)
        #expect(first.segments == expected)
        #expect(first.report.path == path + ".keyprint-index" && first.report.written && first.report.filesFromStore == 60)
        #expect(FileManager.default.fileExists(atPath: path + ".keyprint-index"))

        let second = try await Self.run(store)
        #expect(second.segments == expected)
        #expect(second.report.filesFromIndex == 60 && second.report.filesFromStore == 0)
        #expect(second.report.seedsFromIndex && !second.report.written && second.report.problem == nil)

        // Five files added: read from the store, the rest from the file; the seed index is rebuilt.
        var rng = SplitMix64(seed: 99)
        let added = (0..<5).map { _ in (0..<50).map { i in
            FrameHash(index: i, timestamp: Double(i), quality: 90, hash: PDQHash(w0: rng.next(), w1: rng.next(), w2: rng.next(), w3: rng.next()),
                      mirrorHash: PDQHash(w0: rng.next()))
        } }
        try await Self.commit(added, startingAt: 60, to: store)
        let third = try await Self.run(store)
        #expect(third.report.filesFromIndex == 60 && third.report.filesFromStore == 5 && third.report.written && !third.report.seedsFromIndex)
        #expect(third.segments == (try await Self.reference(store)))

        // One file processed again with other frames (a copy of file 1 now): its stamp changes.
        let file1 = try await store.frames(fileID: 1).map(\.frameHash)
        let scan = try await store.beginScan(root: "/synthetic", collection: "c", settings: ScanSettings(sampling: .defaultInterval, timeBudget: 60, jobs: 1),
                                             commandLine: "test", versions: "test")
        _ = try await store.markPending(collection: "c", root: "/synthetic", files: [(relativePath: "f00002.mp4", stamp: nil)], scanID: scan.id)
        try await store.commit(FileOutcome(fileID: 3, state: .done, size: 1, mtimeNanoseconds: 1,
                                           frames: file1.map { var f = $0; f.hash = f.hash.flippingRandomBits(3, using: &rng); return f },
                                           processingSeconds: 0), scanID: scan.id)
        try await store.finishScan(scan)
        let fourth = try await Self.run(store)
        #expect(fourth.report.filesFromStore == 1 && fourth.report.filesFromIndex == 64)
        let after = try await Self.reference(store)
        #expect(fourth.segments == after && after != third.segments)
        let fifth = try await Self.run(store)
        #expect(fifth.report.filesFromIndex == 65 && fifth.report.seedsFromIndex && fifth.segments == after)
    }

    /// A turned copy is linked from the index file as from the store: the file keeps each
    /// frame's turned hashes (format 1 dropped them, and the second run lost the link).
    @Test func turnedHashesAreKeptInTheIndexFile() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let path = folder.path + "/case.sqlite"
        let store = try SQLiteCaseStore(path: path, mode: .create)
        var rng = SplitMix64(seed: 31)
        func random() -> PDQHash { PDQHash(w0: rng.next(), w1: rng.next(), w2: rng.next(), w3: rng.next()) }
        let original = (0..<40).map { i in FrameHash(index: i, timestamp: Double(i), quality: 90, hash: random(), mirrorHash: random()) }
        // The copy's picture turned a quarter: its hash turned back by 90° is the original's, a few bits off.
        let turned = original.map { f in
            var six = (0..<6).map { _ in random() }
            six[DihedralHashes.slot(.rot90)!] = f.hash.flippingRandomBits(3, using: &rng)
            return FrameHash(index: f.index, timestamp: f.timestamp, quality: 90, hash: random(), mirrorHash: random(),
                             dihedral: DihedralHashes(hashes: six))
        }
        try await Self.commit([original, turned], startingAt: 0, to: store)
        let expected = try await Self.reference(store)
        #expect(expected.count == 1 && expected.allSatisfy { $0.contains("rot") }, "\(expected)")
        let first = try await Self.run(store)
        #expect(first.segments == expected && first.report.written)
        let second = try await Self.run(store)
        #expect(second.report.filesFromIndex == 2 && second.report.filesFromStore == 0)
        #expect(second.segments == expected)
    }

    @Test func damagedTornOrForeignFilesAreDetectedAndRebuilt() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let path = folder.path + "/case.sqlite"
        let store = try await Self.makeCase(at: path, files: 30)
        let expected = try await Self.reference(store)
        let indexPath = path + ".keyprint-index"
        _ = try await Self.run(store)
        let good = try Data(contentsOf: URL(fileURLWithPath: indexPath))
        #expect(good.count > 1000)
        var damages: [(String, Data)] = [("empty", Data()), ("seven bytes", good.prefix(7)), ("half", good.prefix(good.count / 2)),
                                          ("all but the last word", good.prefix(good.count - 8)), ("one more word", good + Data(count: 8)),
                                          ("not an index", Data(repeating: 0x41, count: 4096))]
        for offset in [16, good.count / 3, good.count / 2 + 5, good.count - 12] {
            var flipped = good
            flipped[offset] ^= 0x10
            damages.append(("byte \(offset) changed", flipped))
        }
        for (label, bytes) in damages {
            try bytes.write(to: URL(fileURLWithPath: indexPath))
            let damaged = try await Self.run(store)
            #expect(damaged.segments == expected, "\(label)")
            #expect(damaged.report.problem != nil && damaged.report.filesFromStore == 30 && damaged.report.written, "\(label)")
            let next = try await Self.run(store)
            #expect(next.report.problem == nil && next.report.filesFromIndex == 30 && next.report.seedsFromIndex, "\(label)")
        }
        // A symbolic link in its place is not followed; the file replaces the link, not its target.
        let target = folder.path + "/elsewhere"
        try Data("keep".utf8).write(to: URL(fileURLWithPath: target))
        try FileManager.default.removeItem(atPath: indexPath)
        try FileManager.default.createSymbolicLink(atPath: indexPath, withDestinationPath: target)
        let linked = try await Self.run(store)
        #expect(linked.segments == expected && linked.report.problem != nil && linked.report.written)
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "keep")
        #expect((try FileManager.default.attributesOfItem(atPath: indexPath)[.type] as? FileAttributeType) == .typeRegular)
    }

    @Test func seedTablesFromAnotherEntrySetAreRefused() throws {
        var rng = SplitMix64(seed: 5)
        let hashes = (0..<5000).map { _ in PDQHash(w0: rng.next(), w1: rng.next(), w2: rng.next(), w3: rng.next()) }
        let indexed = hashes.indices.map { $0 % 7 != 0 }
        let index = SeedIndex(hashes: hashes, tableCount: nil) { indexed[$0] }
        let digest = SeedIndex.entryDigest(hashes: hashes, indexed: indexed, tableCount: nil)
        let tables = index.tables(entryDigest: digest)
        let back = try #require(SeedIndex(hashes: hashes, tables: tables))
        for q in hashes.prefix(200) {
            var a: [UInt32] = [], b: [UInt32] = []
            index.forEachCandidate(of: q) { a.append($0) }
            back.forEachCandidate(of: q) { b.append($0) }
            #expect(a == b)
        }
        // Other entries: another digest; a table of another shape: refused.
        var other = hashes
        other[17] = other[17].flippingRandomBits(1, using: &rng)
        #expect(SeedIndex.entryDigest(hashes: other, indexed: indexed, tableCount: nil) != digest)
        #expect(SeedIndex.entryDigest(hashes: hashes, indexed: indexed.map { !$0 }, tableCount: nil) != digest)
        #expect(SeedIndex.entryDigest(hashes: hashes, indexed: indexed, tableCount: 8) != digest)
        #expect(SeedIndex(hashes: Array(hashes.prefix(4999)), tables: tables) == nil)
        var broken = tables
        broken.packed.removeLast()
        #expect(SeedIndex(hashes: hashes, tables: broken) == nil)
        broken = tables
        broken.slotOffset[3] = 255
        broken.slotOffset[4] = 0
        #expect(SeedIndex(hashes: hashes, tables: broken) == nil)
    }

    /// kill -9 of `keyprint match` while it writes the index file (the moment its temporary
    /// file appears, then 0–4 ms later) or before: the next run uses the old file or rebuilds
    /// it, with the same segments, and leaves no temporary file behind.
    @Test func killDuringTheIndexWriteLeavesAUsableCase() async throws {
        let binary = try KeyprintBinary.require()
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let path = folder.path + "/case.sqlite"
        let store = try await Self.makeCase(at: path, files: 600)
        let expected = try await Self.reference(store)
        let indexPath = path + ".keyprint-index"
        var killedMidWrite = 0
        for round in 0..<8 {
            // Even rounds: no file yet (the killed run builds it); odd rounds: a good file is replaced.
            if round % 2 == 0 { try? FileManager.default.removeItem(atPath: indexPath) }
            if round % 2 == 1 {
                // Make the file stale so that the killed run writes it again.
                try await Self.commit([[FrameHash(index: 0, timestamp: 0, quality: 90, hash: PDQHash(w0: UInt64(round)), mirrorHash: .zero)]],
                                      startingAt: 1000 + round, to: store)
            }
            let process = Process()
            process.executableURL = URL(fileURLWithPath: binary)
            process.arguments = ["match", "--db", path, "--search", "seeded", "--full", "--quiet"]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            let deadline = Date().addingTimeInterval(120)
            var sawTemporary = false
            while process.isRunning && Date() < deadline {
                let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
                if names.contains(where: { $0.hasPrefix("case.sqlite.keyprint-index.tmp-") }) { sawTemporary = true; break }
                usleep(200)
            }
            if sawTemporary { usleep(UInt32(round % 5) * 1000) }
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
            if names.contains(where: { $0.hasPrefix("case.sqlite.keyprint-index.tmp-") }) { killedMidWrite += 1 }

            let now = round == 0 ? expected : try await Self.reference(store)
            let after = try await Self.run(store)
            #expect(after.segments == now, "round \(round)")
            let again = try await Self.run(store)
            #expect(again.report.problem == nil && again.report.filesFromStore == 0 && again.report.seedsFromIndex, "round \(round)")
            #expect(again.segments == now, "round \(round)")
            let left = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
            #expect(!left.contains { $0.contains(".keyprint-index.tmp-") }, "round \(round): \(left)")
        }
        print("persistent index: \(killedMidWrite) of 8 kills left a partial temporary file")
        #expect(killedMidWrite > 0)
    }
}
