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

    public func storedHashes(collection: String?) async throws -> [StoredVideoHashes] {
        let done = try await files(collection: collection).filter { $0.state == .done }
        return try await guarded {
            try await self.pool.read { db in
                try done.map { file in
                    let shots = try Row.fetchAll(db, sql: "SELECT * FROM shot_regions WHERE file_id = ? ORDER BY start_s", arguments: [file.id])
                        .map { ShotRegion(startTime: try $0.decode(forColumn: "start_s"), region: try Self.rect($0)) }
                    return StoredVideoHashes(file: file, frames: try Self.rows(db, of: .frames, fileID: file.id).map(\.frameHash),
                                             regionFrames: try Self.rows(db, of: .regionFrames, fileID: file.id).map(\.frameHash),
                                             pictureFrames: try Self.rows(db, of: .pictureFrames, fileID: file.id).map(\.frameHash),
                                             shots: shots)
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
                                         outcome.regionDetector, outcome.regionDetectorVersion])
        }
    }
}
