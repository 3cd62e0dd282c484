import Foundation
import GRDB
import KeyprintModel

extension SQLiteCaseStore {
    public func regions(fileID: Int64) async throws -> [StoredRegion] {
        try await guarded {
            try await self.pool.read { db in
                try Row.fetchAll(db, sql: "SELECT * FROM shot_regions WHERE file_id = ? ORDER BY start_s", arguments: [fileID]).map { row in
                    StoredRegion(fileID: try row.decode(forColumn: "file_id"), startTime: try row.decode(forColumn: "start_s"), rect: try Self.rect(row),
                                        detector: try row.decode(forColumn: "detector"), detectorVersion: try row.decode(forColumn: "detector_version"))
                }
            }
        }
    }

    /// A shot_regions row's rectangle; nil when the shot has no region.
    static func rect(_ row: Row) throws -> NormalizedRect? {
        let x: Double? = try row.decode(forColumn: "x"), y: Double? = try row.decode(forColumn: "y"), w: Double? = try row.decode(forColumn: "width"), h: Double? = try row.decode(forColumn: "height")
        guard let x, let y, let w, let h else { return nil }
        return NormalizedRect(x: x, y: y, width: w, height: h)
    }

    public func regionFrames(fileID: Int64) async throws -> [StoredFrame] {
        try await guarded {
            try await self.pool.read { db in
                try Self.rows(db, of: .regionFrames, fileID: fileID)
            }
        }
    }

    /// One statement per table (frames, region_frames, picture_frames, shot_regions) for all
    /// done files at once, read through a cursor by column index, instead of four statements
    /// per file decoded by column name (about 15 µs a frame before, see BENCHMARKS.md).
    public func storedHashes(collection: String?) async throws -> [StoredVideoHashes] {
        let done = try await files(collection: collection).filter { $0.state == .done }
        guard !done.isEmpty else { return [] }
        return try await guarded {
            try await self.pool.read { db in
                let wanted = Set(done.map(\.id))
                let frames = try Self.allRows(db, of: .frames, for: wanted)
                let regions = try Self.allRows(db, of: .regionFrames, for: wanted)
                let pictures = try Self.allRows(db, of: .pictureFrames, for: wanted)
                var shots: [Int64: [ShotRegion]] = [:]
                let cursor = try Row.fetchCursor(db, sql: "SELECT file_id, start_s, x, y, width, height FROM shot_regions ORDER BY file_id, start_s")
                while let row = try cursor.next() {
                    let fileID: Int64 = try row.decode(atIndex: 0)
                    guard wanted.contains(fileID) else { continue }
                    let x: Double? = try row.decode(atIndex: 2), y: Double? = try row.decode(atIndex: 3)
                    let w: Double? = try row.decode(atIndex: 4), h: Double? = try row.decode(atIndex: 5)
                    var rect: NormalizedRect?
                    if let x, let y, let w, let h { rect = NormalizedRect(x: x, y: y, width: w, height: h) }
                    shots[fileID, default: []].append(ShotRegion(startTime: try row.decode(atIndex: 1), region: rect))
                }
                return done.map { file in
                    StoredVideoHashes(file: file, frames: frames[file.id] ?? [], regionFrames: regions[file.id] ?? [],
                                      pictureFrames: pictures[file.id] ?? [], shots: shots[file.id] ?? [])
                }
            }
        }
    }

    /// Every row of `table` whose file is in `files`, by file, in frame order: one statement,
    /// columns by index, hashes read from SQLite's buffer without a copy.
    static func allRows(_ db: Database, of table: FrameHashTable, for files: Set<Int64>) throws -> [Int64: [FrameHash]] {
        var out: [Int64: [FrameHash]] = [:]
        let cursor = try Row.fetchCursor(db, sql: """
            SELECT file_id, frame_index, timestamp_s, quality, hash, mirror_hash FROM \(table.rawValue) ORDER BY file_id, frame_index
            """)
        var currentID: Int64 = -1
        var current: [FrameHash] = []
        while let row = try cursor.next() {
            let fileID: Int64 = try row.decode(atIndex: 0)
            guard files.contains(fileID) else { continue }
            if fileID != currentID {
                if !current.isEmpty { out[currentID] = current }
                currentID = fileID
                current = out[fileID] ?? []
            }
            func hash(_ index: Int, _ column: String) throws -> PDQHash {
                try row.withUnsafeData(atIndex: index) { data in
                    try data.flatMap { PDQHash(bytes: $0) }.orCorrupt(table: table.rawValue, column: column, "\(data?.count ?? 0) bytes")
                }
            }
            current.append(FrameHash(index: try row.decode(atIndex: 1), timestamp: try row.decode(atIndex: 2),
                                     quality: try row.decode(atIndex: 3), hash: try hash(4, "hash"), mirrorHash: try hash(5, "mirror_hash")))
        }
        if !current.isEmpty { out[currentID] = current }
        try attachDihedral(db, of: table, to: &out)
        return out
    }

    /// Inside `commit`'s transaction: the file's old shots and region frames go, its new ones
    /// (if any) come in.
    static func replaceRegion(_ db: Database, of outcome: FileOutcome) throws {
        // Region and picture hashes only belong with shots.
        let hasShots = !outcome.shots.isEmpty
        try replaceRows(db, of: .regionFrames, fileID: outcome.fileID, with: hasShots ? outcome.regionFrames : [])
        try replaceRows(db, of: .pictureFrames, fileID: outcome.fileID, with: hasShots ? outcome.pictureFrames : [])
        try db.execute(sql: "DELETE FROM shot_regions WHERE file_id = ?", arguments: [outcome.fileID])
        guard hasShots else { return }
        let shot = try db.cachedStatement(sql: """
            INSERT INTO shot_regions (file_id, start_s, x, y, width, height, detector, detector_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """)
        for s in outcome.shots {
            try shot.execute(arguments: [outcome.fileID, s.startTime, s.region?.x, s.region?.y, s.region?.width, s.region?.height,
                                         outcome.regionDetector, outcome.regionDetectorVersion])
        }
    }
}
