import Foundation
import GRDB

extension SQLiteCaseStore {
    public func region(fileID: Int64) throws -> StoredRegion? {
        try guarded {
            try pool.read { db in
                try Row.fetchOne(db, sql: "SELECT * FROM file_regions WHERE file_id = ?", arguments: [fileID]).map { row in
                    StoredRegion(fileID: row["file_id"], rect: NormalizedRect(x: row["x"], y: row["y"], width: row["width"], height: row["height"]),
                                 detector: row["detector"], detectorVersion: row["detector_version"])
                }
            }
        }
    }

    public func regionFrames(fileID: Int64) throws -> [StoredFrame] {
        try guarded {
            try pool.read { db in
                try Row.fetchAll(db, sql: "SELECT * FROM region_frames WHERE file_id = ? ORDER BY frame_index", arguments: [fileID])
                    .map(Self.storedFrame)
            }
        }
    }

    public func videoFrames(collection: String?) throws -> [VideoFrames] {
        let done = try files(collection: collection).filter { $0.state == .done }
        return try guarded {
            try pool.read { db in
                try done.map { file in
                    let frames = try Row.fetchAll(db, sql: "SELECT * FROM frames WHERE file_id = ? ORDER BY frame_index", arguments: [file.id])
                        .map { Self.storedFrame($0).frameHash }
                    let regions = try Row.fetchAll(db, sql: "SELECT * FROM region_frames WHERE file_id = ? ORDER BY frame_index",
                                                   arguments: [file.id]).map { Self.storedFrame($0).frameHash }
                    return VideoFrames(videoID: file.id, frames: frames, regionFrames: regions)
                }
            }
        }
    }

    /// Inside `commit`'s transaction: the file's old region and region frames go, its new ones
    /// (if any) come in.
    static func replaceRegion(_ db: Database, of outcome: FileOutcome) throws {
        try db.execute(sql: "DELETE FROM region_frames WHERE file_id = ?", arguments: [outcome.fileID])
        try db.execute(sql: "DELETE FROM file_regions WHERE file_id = ?", arguments: [outcome.fileID])
        guard let rect = outcome.region else { return }
        try db.execute(sql: """
            INSERT INTO file_regions (file_id, x, y, width, height, detector, detector_version) VALUES (?, ?, ?, ?, ?, ?, ?)
            """, arguments: [outcome.fileID, rect.x, rect.y, rect.width, rect.height,
                             RegionHashing.detectorName, RegionHashing.detectorVersion])
        let insert = try db.cachedStatement(sql: """
            INSERT INTO region_frames (file_id, frame_index, timestamp_s, quality, hash, mirror_hash) VALUES (?, ?, ?, ?, ?, ?)
            """)
        for frame in outcome.regionFrames {
            try insert.execute(arguments: [outcome.fileID, frame.index, frame.timestamp, frame.quality,
                                           Data(frame.hash.bytes), Data(frame.mirrorHash.bytes)])
        }
    }
}
