import Foundation
import GRDB
import KeyprintModel

extension SQLiteCaseStore {
    /// The hashes of some done files, read with their file rows in one read transaction (so
    /// each file's row, e.g. its `updatedAt`, describes exactly the hashes returned), in the
    /// order of `fileIDs`; ids that are not done files are left out. For a few files (those a
    /// persistent index does not hold yet): per-file statements through the file_id indexes.
    public func storedHashes(fileIDs: [Int64]) async throws -> [StoredVideoHashes] {
        guard !fileIDs.isEmpty else { return [] }
        return try await guarded {
            try await self.pool.read { db in
                var out: [StoredVideoHashes] = []
                for id in fileIDs {
                    guard let row = try Row.fetchOne(db, sql: "SELECT * FROM files WHERE id = ?", arguments: [id]) else { continue }
                    let file = try Self.storedFile(row)
                    guard file.state == .done else { continue }
                    let shots = try Row.fetchAll(db, sql: "SELECT start_s, x, y, width, height FROM shot_regions WHERE file_id = ? ORDER BY start_s",
                                                 arguments: [id]).map { row in
                        ShotRegion(startTime: try row.decode(forColumn: "start_s"), region: try Self.rect(row))
                    }
                    out.append(StoredVideoHashes(file: file, frames: try Self.rows(db, of: .frames, fileID: id).map(\.frameHash),
                                                 regionFrames: try Self.rows(db, of: .regionFrames, fileID: id).map(\.frameHash),
                                                 pictureFrames: try Self.rows(db, of: .pictureFrames, fileID: id).map(\.frameHash),
                                                 shots: shots))
                }
                return out
            }
        }
    }
}
