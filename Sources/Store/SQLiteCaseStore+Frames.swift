import Foundation
import GRDB
import KeyprintModel

/// The three tables of frame hashes, one row per (file, frame index) with the same columns:
/// whole frames, content regions, pictures inside letterbox bars. Their names are fixed here,
/// never taken from input.
extension SQLiteCaseStore {
    public func frames(fileID: Int64) async throws -> [StoredFrame] {
        try await guarded { try await self.pool.read { db in try Self.rows(db, of: .frames, fileID: fileID) } }
    }

    /// A file's rows of `table`, in frame order.
    static func rows(_ db: Database, of table: FrameHashTable, fileID: Int64) throws -> [StoredFrame] {
        try Row.fetchAll(db, sql: "SELECT * FROM \(table.rawValue) WHERE file_id = ? ORDER BY frame_index", arguments: [fileID])
            .map { try storedFrame($0, table: table.rawValue) }
    }

    /// Inside a write transaction: replaces a file's rows of `table` with `hashes`.
    static func replaceRows(_ db: Database, of table: FrameHashTable, fileID: Int64, with hashes: [FrameHash]) throws {
        try db.execute(sql: "DELETE FROM \(table.rawValue) WHERE file_id = ?", arguments: [fileID])
        let insert = try db.cachedStatement(sql: """
            INSERT INTO \(table.rawValue) (file_id, frame_index, timestamp_s, quality, hash, mirror_hash) VALUES (?, ?, ?, ?, ?, ?)
            """)
        for frame in hashes {
            try insert.execute(arguments: [fileID, frame.index, frame.timestamp, frame.quality, Data(frame.hash.bytes), Data(frame.mirrorHash.bytes)])
        }
        try replaceDihedralRows(db, of: table, fileID: fileID, with: hashes)
    }

    public func frames(collection: String) async throws -> [StoredFrame] {
        try await guarded {
            try await self.pool.read { db in
                try Row.fetchAll(db, sql: """
                    SELECT frames.* FROM frames JOIN files ON files.id = frames.file_id
                    WHERE files.collection = ? AND files.state = 'done' ORDER BY files.relative_path, frames.frame_index
                    """, arguments: [collection]).map { try Self.storedFrame($0) }
            }
        }
    }

    public func forEachFrame(collection: String?, _ body: (StoredFile, StoredFrame) throws -> Void) async throws {
        let done = try await files(collection: collection).filter { $0.state == .done }
            .sorted { ($0.path, $0.collection) < ($1.path, $1.collection) }
        // One file's frames in memory at a time.
        for file in done {
            for frame in try await frames(fileID: file.id) { try body(file, frame) }
        }
    }

    static func storedFrame(_ row: Row, table: String = FrameHashTable.frames.rawValue) throws -> StoredFrame {
        let hash: Data = try row.decode(forColumn: "hash")
        let mirror: Data = try row.decode(forColumn: "mirror_hash")
        return StoredFrame(fileID: try row.decode(forColumn: "file_id"), index: try row.decode(forColumn: "frame_index"), timestamp: try row.decode(forColumn: "timestamp_s"), quality: try row.decode(forColumn: "quality"),
                           hash: try PDQHash(bytes: hash).orCorrupt(table: table, column: "hash", "\(hash.count) bytes"), mirrorHash: try PDQHash(bytes: mirror).orCorrupt(table: table, column: "mirror_hash", "\(mirror.count) bytes"))
    }
}
