import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import KeyprintModel
import KeyprintIndex
import KeyprintMatch
import KeyprintStore

/// What a match run did with the persistent index file (docs/matching.md §1d).
public struct PersistentIndexReport: Sendable, Equatable {
    /// The index file: `<case database>.keyprint-index`.
    public var path: String
    /// Done files whose hashes came from the file, and from the case database (new or changed
    /// since the file was written, or all of them when there was no usable file).
    public var filesFromIndex: Int = 0
    public var filesFromStore: Int = 0
    /// The seed index was taken from the file instead of being sorted again.
    public var seedsFromIndex: Bool = false
    /// This run wrote the file (it was missing, stale, damaged, or the seed index changed).
    public var written: Bool = false
    /// Why the file could not be used as it was (missing, damaged, another version) or could
    /// not be written; nil when it was used whole.
    public var problem: String? = nil

    public init(path: String) { self.path = path }
}

/// A file beside a SQLite case database that keeps what `MatchRunner` needs of every done
/// file (its whole-frame, region and picture hashes and its shots, in the form the store
/// returns them) and the last seed index built over them, so that a match run reads one
/// sequential file instead of decoding every stored row and sorting the seed tables again.
///
/// It is a cache: the case database stays the only record. Each file's entry carries a stamp
/// of its `files` row (id, collection, state, `updated_at`, frame count, content digest, hashing
/// key, duration, import source): every write of a file's hashes (`commit`, an import) also
/// sets `updated_at`, so an entry whose stamp differs from the row is stale and that file is
/// read from the store again; files gone or no longer done are dropped. The seed tables are
/// used only when their digest of the entries they index equals the digest of the run's
/// entries (`Matcher(prebuiltSeeds:)`). Whenever anything was read from the store or the seed
/// index was rebuilt, the file is written again whole (`PersistentIndexFile`: temporary file,
/// sync, rename), so a kill at any moment leaves the old file or the new one; a damaged, torn
/// or foreign file is ignored and replaced.
struct PersistentMatchIndex {
    static let suffix = ".keyprint-index"
    let path: String
    /// Permission bits of the case database, given to the file.
    let mode: mode_t

    /// One done file's hashes as kept.
    struct Entry {
        var fileID: Int64
        var stamp: UInt64
        var frames: [FrameHash]
        var regionFrames: [FrameHash]
        var pictureFrames: [FrameHash]
        var shots: [ShotRegion]
    }

    struct Contents {
        var entries: [Int64: Entry] = [:]
        var seeds: SeedIndex.Tables?
    }

    /// The index file of `store`'s database; nil with the reason when there is none: not a
    /// SQLite store, or a path that would lie inside a scanned evidence folder (never written
    /// there, like the database itself).
    static func location(for store: any CaseStore) async throws -> (index: PersistentMatchIndex?, reason: String?) {
        guard let sqlite = store as? SQLiteCaseStore else { return (nil, "not a SQLite case database") }
        let database: String
        do { database = try EvidencePaths.resolveDatabase(sqlite.path) } catch { return (nil, "\(error)") }
        let path = database + suffix
        for root in Set(try await store.scans().map(\.root)) where EvidencePaths.isInside(path, EvidencePaths.realPath(root) ?? root) {
            return (nil, "\(path) would lie inside the evidence folder \(root)")
        }
        var info = stat()
        let mode: mode_t = stat(database, &info) == 0 ? info.st_mode & 0o777 : 0o600
        return (PersistentMatchIndex(path: path, mode: mode), nil)
    }

    /// The stamp of a file row: changes whenever its stored hashes may have changed.
    static func stamp(_ file: StoredFile) -> UInt64 {
        let text = [String(file.id), file.collection, file.state.rawValue, String(file.updatedAt.timeIntervalSince1970.bitPattern),
                    String(file.frameCount), file.digests?.sha256 ?? "-", file.hashingKey ?? "-",
                    file.media?.duration.map { String($0.bitPattern) } ?? "-",
                    file.importedFrom.map { "\($0.format) \($0.sha256) \($0.role)" } ?? "-"].joined(separator: "\u{1F}")
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in text.utf8 { h = (h ^ UInt64(byte)) &* 0x100_0000_01B3 }
        return h
    }

    // MARK: Reading

    func read() throws -> Contents? {
        guard let reader = try PersistentIndexFile.Reader(path: path) else { return nil }
        guard try reader.next() == PersistentIndexFile.magic, try reader.next() == PersistentIndexFile.byteOrderMark else {
            throw PersistentIndexFile.Problem.damaged("not a keyprint index file of this format")
        }
        let version = try reader.nextString()
        guard version == KeyprintVersion.string else { throw PersistentIndexFile.Problem.io("written by keyprint \(version)") }
        var contents = Contents()
        let files = try reader.nextCount()
        contents.entries.reserveCapacity(files)
        func frames(_ n: Int) throws -> [FrameHash] {
            var out: [FrameHash] = []
            out.reserveCapacity(n)
            for _ in 0..<n {
                let index = try reader.nextInt(), time = try reader.nextDouble(), quality = try reader.nextInt()
                let h = PDQHash(w0: try reader.next(), w1: try reader.next(), w2: try reader.next(), w3: try reader.next())
                let m = PDQHash(w0: try reader.next(), w1: try reader.next(), w2: try reader.next(), w3: try reader.next())
                var dihedral: DihedralHashes?
                switch try reader.next() {
                case 0: break
                case 1:
                    var turned: [PDQHash] = []
                    turned.reserveCapacity(6)
                    for _ in 0..<6 { turned.append(PDQHash(w0: try reader.next(), w1: try reader.next(), w2: try reader.next(), w3: try reader.next())) }
                    dihedral = DihedralHashes(hashes: turned)
                default: throw PersistentIndexFile.Problem.damaged("turned-hash flag")
                }
                out.append(FrameHash(index: index, timestamp: time, quality: quality, hash: h, mirrorHash: m, dihedral: dihedral))
            }
            return out
        }
        for _ in 0..<files {
            let id = Int64(try reader.nextInt()), stamp = try reader.next()
            let nFrames = try reader.nextCount(perWord: 1), nRegions = try reader.nextCount(), nPictures = try reader.nextCount()
            let nShots = try reader.nextCount()
            guard (nFrames + nRegions + nPictures) * 12 + nShots * 6 <= reader.remaining else { throw PersistentIndexFile.Problem.damaged("file \(id)") }
            let whole = try frames(nFrames), regions = try frames(nRegions), pictures = try frames(nPictures)
            var shots: [ShotRegion] = []
            shots.reserveCapacity(nShots)
            for _ in 0..<nShots {
                let start = try reader.nextDouble(), has = try reader.next()
                let x = try reader.nextDouble(), y = try reader.nextDouble(), w = try reader.nextDouble(), h = try reader.nextDouble()
                shots.append(ShotRegion(startTime: start, region: has == 1 ? NormalizedRect(x: x, y: y, width: w, height: h) : nil))
            }
            contents.entries[id] = Entry(fileID: id, stamp: stamp, frames: whole, regionFrames: regions, pictureFrames: pictures, shots: shots)
        }
        if try reader.next() == 1 {
            let entryCount = try reader.nextInt(), digest = try reader.next()
            let tableCount = try reader.nextInt(), chunkBits = try reader.nextInt(), indexedCount = try reader.nextInt()
            let directoryBits = try reader.nextInt(), idBits = try reader.nextInt()
            contents.seeds = SeedIndex.Tables(entryCount: entryCount, entryDigest: digest, tableCount: tableCount, chunkBits: chunkBits,
                                              indexedCount: indexedCount, directoryBits: directoryBits, idBits: idBits,
                                              blockBase: try reader.nextArray(UInt32.self), wideOffsets: try reader.nextArray(UInt32.self),
                                              slotOffset: try reader.nextArray(UInt8.self), packed: try reader.nextArray(UInt64.self))
        }
        try reader.finish()
        return contents
    }

    // MARK: Writing

    /// Writes `hashes` (with their rows' stamps) and `seeds` as the new file.
    func write(_ hashes: [StoredVideoHashes], stamps: [Int64: UInt64], seeds: SeedIndex.Tables?) throws {
        let w = try PersistentIndexFile.Writer(path: path, mode: mode)
        try w.put(PersistentIndexFile.magic)
        try w.put(PersistentIndexFile.byteOrderMark)
        try w.putString(KeyprintVersion.string)
        try w.put(hashes.count)
        func put(_ frames: [FrameHash]) throws {
            for f in frames {
                try w.put(f.index); try w.put(f.timestamp); try w.put(f.quality)
                try w.put(f.hash.w0); try w.put(f.hash.w1); try w.put(f.hash.w2); try w.put(f.hash.w3)
                try w.put(f.mirrorHash.w0); try w.put(f.mirrorHash.w1); try w.put(f.mirrorHash.w2); try w.put(f.mirrorHash.w3)
                if let d = f.dihedral {
                    try w.put(UInt64(1))
                    for t in d.hashes { try w.put(t.w0); try w.put(t.w1); try w.put(t.w2); try w.put(t.w3) }
                } else {
                    try w.put(UInt64(0))
                }
            }
        }
        for h in hashes {
            try w.put(h.file.id); try w.put(stamps[h.file.id] ?? Self.stamp(h.file))
            try w.put(h.frames.count); try w.put(h.regionFrames.count); try w.put(h.pictureFrames.count); try w.put(h.shots.count)
            try put(h.frames); try put(h.regionFrames); try put(h.pictureFrames)
            for s in h.shots {
                try w.put(s.startTime); try w.put(UInt64(s.region == nil ? 0 : 1))
                try w.put(s.region?.x ?? 0); try w.put(s.region?.y ?? 0); try w.put(s.region?.width ?? 0); try w.put(s.region?.height ?? 0)
            }
        }
        if let t = seeds {
            try w.put(UInt64(1))
            try w.put(t.entryCount); try w.put(t.entryDigest); try w.put(t.tableCount); try w.put(t.chunkBits); try w.put(t.indexedCount)
            try w.put(t.directoryBits); try w.put(t.idBits)
            try w.putArray(t.blockBase); try w.putArray(t.wideOffsets); try w.putArray(t.slotOffset); try w.putArray(t.packed)
        } else {
            try w.put(UInt64(0))
        }
        try w.commit()
    }
}

/// The done files' hashes a match run works on, from the persistent index where the store has
/// one (`PersistentMatchIndex`), else straight from the store as before.
struct MatchInputs {
    let store: any CaseStore
    /// Every done file's hashes in the store's order (collection, path); nil: read per
    /// collection from the store (no persistent index).
    private(set) var all: [StoredVideoHashes]?
    private let index: PersistentMatchIndex?
    private let keptSeeds: SeedIndex.Tables?
    private let stamps: [Int64: UInt64]
    /// Something was read from the store, or an entry was dropped: the file must be written again.
    private let stale: Bool
    private(set) var report: PersistentIndexReport?

    /// `allFiles`: the case's files as `files(collection: nil)` lists them. `enabled` false: no
    /// persistent index (the store is read as before).
    static func load(store: any CaseStore, allFiles: [StoredFile], enabled: Bool) async throws -> MatchInputs {
        guard enabled else { return MatchInputs(store: store, all: nil, index: nil, keptSeeds: nil, stamps: [:], stale: false, report: nil) }
        let (found, reason) = try await PersistentMatchIndex.location(for: store)
        guard let index = found, let sqlite = store as? SQLiteCaseStore else {
            var report: PersistentIndexReport?
            if store is SQLiteCaseStore { report = PersistentIndexReport(path: ""); report?.problem = reason }
            return MatchInputs(store: store, all: nil, index: nil, keptSeeds: nil, stamps: [:], stale: false, report: report)
        }
        var report = PersistentIndexReport(path: index.path)
        var contents = PersistentMatchIndex.Contents()
        do {
            if let read = try index.read() { contents = read } else { report.problem = "no index file yet" }
        } catch {
            report.problem = "\(error)"
        }
        let done = allFiles.filter { $0.state == .done }
        var stamps: [Int64: UInt64] = [:]
        var missing: [Int64] = []
        for file in done {
            let stamp = PersistentMatchIndex.stamp(file)
            stamps[file.id] = stamp
            if contents.entries[file.id]?.stamp != stamp { missing.append(file.id) }
        }
        // New or changed files, read with their rows in one transaction (their stamps from there).
        var fetched: [Int64: StoredVideoHashes] = [:]
        // Most of the case (no file yet, or a damaged one): one statement per table over all
        // files; a few files: per-file statements.
        if missing.count * 2 >= done.count {
            for h in try await store.storedHashes(collection: nil) { fetched[h.file.id] = h }
        } else {
            for h in try await sqlite.storedHashes(fileIDs: missing) { fetched[h.file.id] = h }
        }
        for h in fetched.values { stamps[h.file.id] = PersistentMatchIndex.stamp(h.file) }
        var all: [StoredVideoHashes] = []
        all.reserveCapacity(done.count)
        for file in done {
            if let h = fetched[file.id] {
                all.append(h)
            } else if let e = contents.entries[file.id], e.stamp == stamps[file.id] {
                all.append(StoredVideoHashes(file: file, frames: e.frames, regionFrames: e.regionFrames, pictureFrames: e.pictureFrames, shots: e.shots))
            }
        }
        report.filesFromStore = fetched.count
        report.filesFromIndex = all.count - fetched.count
        let dropped = contents.entries.keys.contains { stamps[$0] == nil }
        return MatchInputs(store: store, all: all, index: index, keptSeeds: contents.seeds, stamps: stamps,
                           stale: !fetched.isEmpty || dropped || report.problem != nil, report: report)
    }

    /// Done files of a collection (nil: all) as the matcher takes them, in the store's order.
    func videoFrames(collection: String?) async throws -> [VideoFrames] {
        guard let all else { return try await store.videoFrames(collection: collection) }
        return all.filter { collection == nil || $0.file.collection == collection }.map(\.videoFrames)
    }

    /// Seed tables kept in the file, for `Matcher(prebuiltSeeds:)`.
    var seeds: SeedIndex.Tables? { keptSeeds }

    /// After the matcher is built: writes the file again when it was stale or the matcher built
    /// a seed index of its own. A failure to write is reported, never fatal (the file is a cache).
    mutating func keep(_ matcher: Matcher) {
        guard let index, let all, report != nil else { return }
        report?.seedsFromIndex = matcher.reusedSeeds
        let newSeeds = matcher.search == .seeded && !matcher.reusedSeeds ? matcher.seedTables : nil
        guard stale || newSeeds != nil else { return }
        do {
            try index.write(all, stamps: stamps, seeds: newSeeds ?? keptSeeds)
            report?.written = true
        } catch {
            let earlier = report?.problem.map { $0 + "; " } ?? ""
            report?.problem = earlier + "not written: \(error)"
        }
    }
}
