import Foundation
@testable import KeyprintModel
@testable import KeyprintStore
@testable import KeyprintImport
@testable import KeyprintMatch
@testable import KeyprintPipeline

/// Every promise of `KnownMaterialStore` (and its refusals) as a check that can run against any
/// backend, as `StoreContract` does for `CaseStore`: a check returns what it found broken
/// (empty: the promise holds), so that `KnownMaterialContractTests` can show each failing on a
/// store that breaks it.
struct KnownMaterialContract {
    struct Check: Sendable, CustomStringConvertible {
        let name: String
        let run: @Sendable (any KnownMaterialStore) async throws -> [String]
        var description: String { name }
    }

    /// An item of `frames` random frames one second apart, from `/hashes/NAME`.
    static func item(_ name: String, frames: Int, seed: UInt64 = 1, sha: String = "ab", role: ImportRole = .reference) -> ImportedItem {
        var rng = SplitMix64(seed: seed)
        let hashes = (0..<frames).map { i -> FrameHash in
            let h = PDQHash(w0: rng.next(), w1: rng.next(), w2: rng.next(), w3: rng.next())
            return FrameHash(index: i, timestamp: Double(i), quality: 100, hash: h, mirrorHash: h)
        }
        return ImportedItem(root: "/hashes", relativePath: name, source: ImportedSource(format: "vpdq", sha256: sha, role: role), frames: hashes)
    }

    /// Frames one second apart, each hash its own mirror (as a vPDQ file gives them).
    static func frames(_ hashes: [PDQHash]) -> [FrameHash] {
        hashes.enumerated().map { FrameHash(index: $0.offset, timestamp: Double($0.offset), quality: 100, hash: $0.element, mirrorHash: $0.element) }
    }

    /// A hex digest of `bytes` bytes, different for each `n` and `salt`.
    static func hex(_ n: Int, bytes: Int, salt: UInt64) -> String {
        var rng = SplitMix64(seed: UInt64(n) &* 0x9E37_79B9 ^ salt)
        return String((0..<(bytes + 7) / 8).map { _ in String(format: "%016llx", rng.next()) }.joined().prefix(bytes * 2))
    }

    static func digests(_ n: Int) -> CustodyDigests {
        CustodyDigests(md5: hex(n, bytes: 16, salt: 1), sha1: hex(n, bytes: 20, salt: 2), sha256: hex(n, bytes: 32, salt: 3))
    }

    /// A scan of collection `ev` whose files `f0.mp4` … are done with `digests(i)`, except those
    /// in `failed` (failed, with the same digests).
    static func scannedFiles(_ store: any KnownMaterialStore, count: Int, failed: Set<Int> = []) async throws -> [Int64] {
        let (scanID, ids) = try await StoreContract.scanWithFiles(store, count: count, collection: "ev")
        for (i, id) in ids.enumerated() {
            var outcome = StoreContract.done(id, frames: [StoreContract.frame(i)])
            outcome.digests = digests(i)
            if failed.contains(i) {
                outcome.state = .failed
                outcome.error = "broken"
                outcome.frames = []
            }
            try await store.commit(outcome, scanID: scanID)
        }
        return ids
    }

    /// Imports `records` as one hash set.
    static func importSet(_ store: any KnownMaterialStore, collection: String, path: String, sha: String = "5e7",
                          _ records: [KnownHashRecord]) async throws -> StoredHashSet {
        try await store.importHashSet(collection: collection, sourcePath: path, commandLine: "keyprint import hashset \(path)",
                                      expectedRecords: records.count) { add in
            for record in records { try add(record) }
            return ("csv", sha)
        }
    }

    static func record(md5: String? = nil, sha1: String? = nil, sha256: String? = nil, category: String? = nil,
                       mediaID: String? = nil, note: String? = nil) -> KnownHashRecord {
        KnownHashRecord(md5: md5, sha1: sha1, sha256: sha256, category: category, mediaID: mediaID, note: note)
    }

    static let checks: [Check] = [
        Check(name: "an import stores its items as done files with their frames, source and audit lines") { store in
            var problems: [String] = []
            let summary = try await store.importItems(collection: "known", commandLine: "keyprint import vpdq /hashes") { add in
                try add(item("a.txt", frames: 5))
                try add(item("sub/b.txt", frames: 3, seed: 2))
            }
            if summary != ImportSummary(collection: "known", items: 2, replaced: 0, frames: 8) { problems.append("summary \(summary)") }
            let files = try await store.files(collection: "known")
            guard files.map(\.relativePath) == ["a.txt", "sub/b.txt"] else { return problems + ["files \(files.map(\.relativePath))"] }
            let source = ImportedSource(format: "vpdq", sha256: "ab")
            if !files.allSatisfy({ $0.state == .done && $0.importedFrom == source }) { problems.append("files \(files.map { ($0.state, $0.importedFrom) })") }
            if try await store.file(id: files[1].id)?.importedFrom != source { problems.append("file(id:) loses importedFrom") }
            if files.map(\.frameCount) != [5, 3] { problems.append("frame counts \(files.map(\.frameCount))") }
            if files[0].displayPath != "hashes from /hashes/a.txt" { problems.append("display path \(files[0].displayPath)") }
            if files.contains(where: { $0.digests != nil || $0.media != nil }) { problems.append("an imported item has digests or media facts") }
            if try await store.frames(fileID: files[0].id).map(\.frameHash) != item("a.txt", frames: 5).frames { problems.append("frames(fileID:) differ") }
            let hashes = try await store.storedHashes(collection: "known")
            if hashes.map(\.frames) != [item("a.txt", frames: 5).frames, item("sub/b.txt", frames: 3, seed: 2).frames] {
                problems.append("storedHashes frames differ: \(hashes.map(\.frames.count))")
            }
            if hashes.map(\.file.importedFrom) != [source, source] { problems.append("storedHashes files lose importedFrom") }
            let audit = try await store.audit(scanID: nil)
            if audit.map(\.event) != [AuditEvent.importStarted, AuditEvent.hashesImported, AuditEvent.hashesImported] {
                problems.append("audit events \(audit.map(\.event))")
            } else {
                if audit[0].detail != "into collection known: keyprint import vpdq /hashes" { problems.append("audit \(audit[0].detail ?? "-")") }
                if audit[1].detail != "5 frame hash(es) from /hashes/a.txt (vpdq, sha256 ab)" { problems.append("audit \(audit[1].detail ?? "-")") }
                if audit[1].fileID != files[0].id || audit[2].fileID != files[1].id { problems.append("audit file ids \(audit.map(\.fileID))") }
            }
            return problems
        },
        Check(name: "a re-import of the same name replaces the item, keeping its file id") { store in
            _ = try await store.importItems(collection: "known", commandLine: "first") { add in
                try add(item("a.txt", frames: 5)); try add(item("b.txt", frames: 2, seed: 4))
            }
            let before = try await store.files(collection: "known")
            let summary = try await store.importItems(collection: "known", commandLine: "second") { add in
                try add(item("a.txt", frames: 2, seed: 9, sha: "cd"))
            }
            var problems: [String] = []
            if summary != ImportSummary(collection: "known", items: 1, replaced: 1, frames: 2) { problems.append("summary \(summary)") }
            let after = try await store.files(collection: "known")
            if after.map(\.id) != before.map(\.id) { problems.append("ids \(before.map(\.id)) became \(after.map(\.id))") }
            guard let a = after.first(where: { $0.relativePath == "a.txt" }) else { return problems + ["a.txt is gone"] }
            if a.frameCount != 2 || a.importedFrom?.sha256 != "cd" { problems.append("a.txt: \(a.frameCount) frames, sha256 \(a.importedFrom?.sha256 ?? "-")") }
            if try await store.frames(fileID: a.id).map(\.frameHash) != item("a.txt", frames: 2, seed: 9).frames { problems.append("the old frames remain") }
            if try await store.frames(fileID: before[1].id).count != 2 { problems.append("another item's frames changed") }
            let last = try await store.audit(scanID: nil).last?.detail ?? ""
            if !last.hasSuffix(", replacing the earlier import") { problems.append("audit \(last)") }
            return problems
        },
        Check(name: "an import whose producer fails stores nothing and leaves with the producer's error") { store in
            _ = try await store.importItems(collection: "known", commandLine: "first") { add in try add(item("a.txt", frames: 5)) }
            let malformed = ImportError.malformedLine(file: "b.txt", line: 7, reason: "bad")
            do {
                _ = try await store.importItems(collection: "known", commandLine: "second") { add in
                    try add(item("a.txt", frames: 1, seed: 3))
                    try add(item("c.txt", frames: 4))
                    throw malformed
                }
                return ["an import whose producer threw succeeded"]
            } catch let error as ImportError where error == malformed {
            } catch { return ["the import failed with \(error), not the producer's error"] }
            var problems: [String] = []
            let files = try await store.files(collection: nil)
            if files.map(\.relativePath) != ["a.txt"] { problems.append("files \(files.map(\.relativePath))") }
            if files.first?.frameCount != 5 { problems.append("a.txt has \(files.first?.frameCount ?? -1) frames") }
            if let id = files.first?.id, try await store.frames(fileID: id).count != 5 { problems.append("a.txt's frames changed") }
            if try await store.audit(scanID: nil).count != 2 { problems.append("the failed import left audit lines") }
            return problems
        },
        Check(name: "imports into a collection of scanned files, and a name given twice, are refused") { store in
            var problems: [String] = []
            _ = try await scannedFiles(store, count: 1)
            do {
                _ = try await store.importItems(collection: "ev", commandLine: "x") { add in try add(item("a.txt", frames: 1)) }
                problems.append("an import into a collection of scanned files succeeded")
            } catch let error as KnownMaterialError where error == .collectionHoldsScannedFiles("ev") {
            } catch { problems.append("refused with \(error)") }
            do {
                _ = try await store.importItems(collection: "known", commandLine: "x") { add in
                    try add(item("a.txt", frames: 1)); try add(item("a.txt", frames: 1))
                }
                problems.append("an import naming a.txt twice succeeded")
            } catch let error as KnownMaterialError where error == .duplicateItem(collection: "known", name: "a.txt") {
            } catch { problems.append("the duplicate was refused with \(error)") }
            if try await !store.files(collection: "known").isEmpty { problems.append("a refused import stored items") }
            if try await store.files(collection: "ev").map(\.importedFrom) != [nil] { problems.append("the scanned collection changed") }
            return problems
        },
        Check(name: "a scan into a collection of imported items is refused") { store in
            _ = try await store.importItems(collection: "known", commandLine: "x") { add in try add(item("a.txt", frames: 1)) }
            let folder = try TemporaryFolder()
            defer { folder.remove() }
            let request = ScanRequest(root: folder.path, collection: "known", settings: StoreContract.settings, commandLine: "scan")
            do {
                _ = try await ScanRunner(store: store).run(request)
                return ["a scan into the imported collection ran"]
            } catch let error as KnownMaterialError where error == .collectionHoldsImportedItems("known") {
                return try await store.scans().isEmpty ? [] : ["the refused scan was recorded"]
            } catch { return ["refused with \(error)"] }
        },
        Check(name: "an ignore list keeps its role and its frames never vote") { store in
            // Two unrelated captures that share only a 5-s opening screen link over it, until
            // that screen is imported as an ignore list.
            var rng = SplitMix64(seed: 42)
            func random() -> PDQHash { PDQHash(w0: rng.next(), w1: rng.next(), w2: rng.next(), w3: rng.next()) }
            let opening = (0..<5).map { _ in random() }
            let a = frames(opening + (0..<12).map { _ in random() }), b = frames(opening + (0..<12).map { _ in random() })
            let splash = frames(opening)
            _ = try await store.importItems(collection: "ev", commandLine: "t") { add in
                try add(ImportedItem(root: "/c", relativePath: "a.txt", source: ImportedSource(format: "vpdq", sha256: "a"), frames: a))
                try add(ImportedItem(root: "/c", relativePath: "b.txt", source: ImportedSource(format: "vpdq", sha256: "b"), frames: b))
            }
            let request = MatchRequest(queryCollection: nil, referenceCollection: nil, settings: MatchSettings(), jobs: 1, commandLine: "t")
            var problems: [String] = []
            let before = try await MatchRunner(store: store).run(request)
            if before.linkedPairs != 1 { problems.append("without the ignore list: \(before.linkedPairs) linked pairs, expected 1") }
            _ = try await store.importItems(collection: "ignore", commandLine: "t") { add in
                try add(ImportedItem(root: "/i", relativePath: "splash.txt", source: ImportedSource(format: "vpdq", sha256: "s", role: .ignore),
                                     frames: splash))
            }
            let stored = try await store.files(collection: "ignore")
            if stored.map(\.importedFrom?.role) != [.ignore] { problems.append("role \(stored.map(\.importedFrom?.role))") }
            if let last = try await store.audit(scanID: nil).last?.detail, !last.hasSuffix(", ignore list)") { problems.append("audit \(last)") }
            let after = try await MatchRunner(store: store).run(request)
            if after.linkedPairs != 0 { problems.append("with the ignore list: \(after.linkedPairs) linked pairs, expected 0") }
            if after.queryFiles != 2 || after.referenceFiles != 2 { problems.append("the ignore list was matched: \(after.queryFiles) queries") }
            return problems
        },
        Check(name: "a hash set's records are stored, and importing the same source again replaces it") { store in
            var problems: [String] = []
            let first = try await importSet(store, collection: "sets", path: "/sets/b.csv", sha: "s1",
                                            [record(md5: hex(1, bytes: 16, salt: 9), category: "1"), record(sha1: hex(2, bytes: 20, salt: 9), note: "n")])
            if first.records != 2 || first.replaced || first.format != "csv" || first.sha256 != "s1" { problems.append("first import \(first)") }
            _ = try await importSet(store, collection: "sets", path: "/sets/a.csv", [record(md5: hex(3, bytes: 16, salt: 9))])
            _ = try await importSet(store, collection: "other", path: "/sets/z.csv", [record(md5: hex(4, bytes: 16, salt: 9))])
            let again = try await importSet(store, collection: "sets", path: "/sets/b.csv", sha: "s2", [record(md5: hex(5, bytes: 16, salt: 9))])
            if again.records != 1 || !again.replaced || again.sha256 != "s2" { problems.append("re-import \(again)") }
            let sets = try await store.hashSets()
            let listed = sets.map { "\($0.collection) \($0.sourcePath) \($0.records) \($0.format) \($0.sha256)" }
            if listed != ["other /sets/z.csv 1 csv 5e7", "sets /sets/a.csv 1 csv 5e7", "sets /sets/b.csv 1 csv s2"] { problems.append("hash sets \(listed)") }
            if sets.first(where: { $0.sourcePath == "/sets/b.csv" })?.id != again.id { problems.append("hashSets() and the import disagree on the set's id") }
            if sets.contains(where: { abs($0.importedAt.timeIntervalSinceNow) > 600 }) { problems.append("import times \(sets.map(\.importedAt))") }
            let audit = try await store.audit(scanID: nil).filter { $0.event == AuditEvent.hashSetImported }.map { $0.detail ?? "" }
            let expected = "1 record(s) into hash-set collection sets from /sets/b.csv (csv, sha256 s2), replacing the earlier import: keyprint import hashset /sets/b.csv"
            if audit.count != 4 || audit.last != expected { problems.append("audit \(audit)") }
            return problems
        },
        Check(name: "a hash-set import whose producer fails leaves the earlier set as it was") { store in
            let ids = try await scannedFiles(store, count: 1)
            let kept = try await importSet(store, collection: "sets", path: "/sets/a.csv", [record(md5: digests(0).md5, category: "1")])
            let malformed = ImportError.malformedLine(file: "/sets/a.csv", line: 3, reason: "bad")
            do {
                _ = try await store.importHashSet(collection: "sets", sourcePath: "/sets/a.csv", commandLine: "again", expectedRecords: 2) { add in
                    try add(record(md5: hex(9, bytes: 16, salt: 9)))
                    throw malformed
                }
                return ["a hash-set import whose producer threw succeeded"]
            } catch let error as ImportError where error == malformed {
            } catch { return ["the import failed with \(error), not the producer's error"] }
            var problems: [String] = []
            // (The stored time is the server's or SQLite's precision, not the Date's.)
            let sets = try await store.hashSets().map { "\($0.id) \($0.sourcePath) \($0.records) \($0.sha256)" }
            if sets != ["\(kept.id) /sets/a.csv 1 5e7"] { problems.append("hash sets \(sets)") }
            let hits = try await store.knownFileHits()
            if hits.map(\.file.id) != ids || hits.map(\.record.category) != ["1"] { problems.append("hits \(hits.map { ($0.file.id, $0.record) })") }
            if try await store.audit(scanID: nil).filter({ $0.event == AuditEvent.hashSetImported }).count != 1 { problems.append("the failed import left an audit line") }
            return problems
        },
        Check(name: "known-file hits: done decoded files, each (file, record) once by its strongest digest, by file path") { store in
            // f0 and f1 done, f2 failed; an imported item beside them.
            let ids = try await scannedFiles(store, count: 3, failed: [2])
            _ = try await store.importItems(collection: "known", commandLine: "x") { add in try add(item("a.txt", frames: 2)) }
            let d0 = digests(0), d1 = digests(1), d2 = digests(2)
            let byBoth = record(md5: d0.md5, sha256: d0.sha256, category: "1")
            let byMD5 = record(md5: d1.md5, note: "n")
            let bySHA1 = record(sha1: d1.sha1, category: "", mediaID: "m1")
            let other = record(sha1: d0.sha1, mediaID: "7")
            _ = try await importSet(store, collection: "sets", path: "/sets/a.csv",
                                    [byMD5, record(md5: d2.md5, category: "failed file"), byBoth, record(md5: hex(7, bytes: 16, salt: 9)), bySHA1])
            _ = try await importSet(store, collection: "other", path: "/sets/b.csv", [other])
            let hits = try await store.knownFileHits()
            let got = hits.map { "\($0.file.relativePath) \($0.hashSet.collection) \($0.matchedBy)" }
            let expected = ["f0.mp4 other sha1", "f0.mp4 sets sha256", "f1.mp4 sets sha1", "f1.mp4 sets md5"]
            var problems: [String] = []
            if got != expected { problems.append("hits \(got), expected \(expected)") }
            if hits.map(\.record) != [other, byBoth, bySHA1, byMD5] { problems.append("records \(hits.map(\.record))") }
            if hits.map(\.file.id) != [ids[0], ids[0], ids[1], ids[1]] { problems.append("file ids \(hits.map(\.file.id))") }
            if hits.first?.file.digests != d0 { problems.append("the hit's file lacks its digests") }
            let sets = try await store.hashSets()
            if hits.map(\.hashSet.id) != [sets[0].id, sets[1].id, sets[1].id, sets[1].id] { problems.append("sets \(hits.map(\.hashSet.id))") }
            return problems
        },
        Check(name: "a hash set larger than a batch is stored whole, its records in order") { store in
            let ids = try await scannedFiles(store, count: 3)
            let count = 25_003
            var records = (0..<count).map { i in
                record(md5: hex(i, bytes: 16, salt: 11), sha1: i % 3 == 0 ? hex(i, bytes: 20, salt: 12) : nil, category: "c\(i % 4)",
                       mediaID: i % 2 == 0 ? "\(i)" : nil, note: i % 5 == 0 ? "series \(i % 7)" : nil)
            }
            // The files' digests at the first record, the first of a second batch of 10,000, the last.
            records[0].sha256 = digests(0).sha256
            records[10_000].md5 = digests(1).md5
            records[count - 1].sha1 = digests(2).sha1
            let set = try await importSet(store, collection: "big", path: "/sets/big.json", records)
            var problems: [String] = []
            if set.records != count { problems.append("\(set.records) records stored of \(count)") }
            if try await store.hashSets().map(\.records) != [count] { problems.append("hashSets \(try await store.hashSets().map(\.records))") }
            let hits = try await store.knownFileHits()
            if hits.map(\.file.id) != ids { problems.append("hit files \(hits.map(\.file.id)), expected \(ids)") }
            if hits.map(\.record) != [records[0], records[10_000], records[count - 1]] { problems.append("hit records \(hits.map(\.record))") }
            if hits.map(\.matchedBy) != ["sha256", "md5", "sha1"] { problems.append("matched by \(hits.map(\.matchedBy))") }
            return problems
        },
    ]
}
