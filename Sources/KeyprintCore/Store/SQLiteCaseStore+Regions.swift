import Foundation
import GRDB

extension SQLiteCaseStore {
    public func regions(fileID: Int64) throws -> [StoredRegion] {
        try guarded {
            try pool.read { db in
                try Row.fetchAll(db, sql: "SELECT * FROM shot_regions WHERE file_id = ? ORDER BY start_s", arguments: [fileID]).map { row in
                    StoredRegion(fileID: row["file_id"], startTime: row["start_s"], rect: Self.rect(row),
                                        detector: row["detector"], detectorVersion: row["detector_version"])
                }
            }
        }
    }

    /// A shot_regions row's rectangle; nil when the shot has no region.
    static func rect(_ row: Row) -> NormalizedRect? {
        let x: Double? = row["x"], y: Double? = row["y"], w: Double? = row["width"], h: Double? = row["height"]
        guard let x, let y, let w, let h else { return nil }
        return NormalizedRect(x: x, y: y, width: w, height: h)
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
                    let pictures = try Row.fetchAll(db, sql: "SELECT * FROM picture_frames WHERE file_id = ? ORDER BY frame_index",
                                                    arguments: [file.id]).map { Self.storedFrame($0).frameHash }
                    let shots = try Row.fetchAll(db, sql: "SELECT * FROM shot_regions WHERE file_id = ? ORDER BY start_s", arguments: [file.id])
                        .map { ShotRegion(startTime: $0["start_s"], region: Self.rect($0)) }
                    // Dense sampling stores region hashes for a 1-s subset of the frames only.
                    return VideoFrames(videoID: file.id, frames: frames,
                                       regionFrames: VideoFrames.filledRegionFrames(frames: frames, regions: regions, shots: shots), shots: shots,
                                       duration: file.media?.duration, pictureFrames: pictures)
                }
            }
        }
    }

    /// Inside `commit`'s transaction: the file's old shots and region frames go, its new ones
    /// (if any) come in.
    static func replaceRegion(_ db: Database, of outcome: FileOutcome) throws {
        try db.execute(sql: "DELETE FROM region_frames WHERE file_id = ?", arguments: [outcome.fileID])
        try db.execute(sql: "DELETE FROM picture_frames WHERE file_id = ?", arguments: [outcome.fileID])
        try db.execute(sql: "DELETE FROM shot_regions WHERE file_id = ?", arguments: [outcome.fileID])
        guard !outcome.shots.isEmpty else { return }
        let shot = try db.cachedStatement(sql: """
            INSERT INTO shot_regions (file_id, start_s, x, y, width, height, detector, detector_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """)
        for s in outcome.shots {
            try shot.execute(arguments: [outcome.fileID, s.startTime, s.region?.x, s.region?.y, s.region?.width, s.region?.height,
                                         RegionHashing.detectorName, RegionHashing.detectorVersion])
        }
        let insert = try db.cachedStatement(sql: """
            INSERT INTO region_frames (file_id, frame_index, timestamp_s, quality, hash, mirror_hash) VALUES (?, ?, ?, ?, ?, ?)
            """)
        for frame in outcome.regionFrames {
            try insert.execute(arguments: [outcome.fileID, frame.index, frame.timestamp, frame.quality,
                                           Data(frame.hash.bytes), Data(frame.mirrorHash.bytes)])
        }
        let picture = try db.cachedStatement(sql: """
            INSERT INTO picture_frames (file_id, frame_index, timestamp_s, quality, hash, mirror_hash) VALUES (?, ?, ?, ?, ?, ?)
            """)
        for frame in outcome.pictureFrames {
            try picture.execute(arguments: [outcome.fileID, frame.index, frame.timestamp, frame.quality,
                                            Data(frame.hash.bytes), Data(frame.mirrorHash.bytes)])
        }
    }
}
