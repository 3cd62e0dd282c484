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
                try Self.rows(db, of: .regionFrames, fileID: fileID)
            }
        }
    }

    public func videoFrames(collection: String?) throws -> [VideoFrames] {
        let done = try files(collection: collection).filter { $0.state == .done }
        return try guarded {
            try pool.read { db in
                try done.map { file in
                    let frames = try Self.rows(db, of: .frames, fileID: file.id).map(\.frameHash)
                    let regions = try Self.rows(db, of: .regionFrames, fileID: file.id).map(\.frameHash)
                    let pictures = try Self.rows(db, of: .pictureFrames, fileID: file.id).map(\.frameHash)
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
                                         RegionHashing.detectorName, RegionHashing.detectorVersion])
        }
    }
}
