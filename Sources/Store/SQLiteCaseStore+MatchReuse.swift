import Foundation
import GRDB
import KeyprintModel

extension SQLiteCaseStore: MatchReuseStore {
    public func saveMatchRun(_ run: MatchRun, segments: [MatchSegment], reuse: MatchReuseState) async throws -> MatchRun {
        try await guarded {
            try await self.pool.write { db in
                let saved = try Self.insertMatchRun(db, run, segments: segments)
                try db.execute(sql: "INSERT INTO match_run_reuse (run_id, matcher_key) VALUES (?, ?)", arguments: [saved.id, reuse.matcherKey])
                let insert = try db.cachedStatement(sql: """
                    INSERT INTO match_run_files (run_id, file_id, digest, is_query, is_reference, touched, segments)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """)
                for f in reuse.files {
                    try insert.execute(arguments: [saved.id, f.fileID, Int64(bitPattern: f.digest), f.isQuery, f.isReference,
                                                   SegmentCoding.encode(ids: f.touched), SegmentCoding.encode(f.segments)])
                }
                return saved
            }
        }
    }

    public func matchReuseState(runID: Int64) async throws -> MatchReuseState? {
        try await guarded {
            try await self.pool.read { db in
                guard let key = try String.fetchOne(db, sql: "SELECT matcher_key FROM match_run_reuse WHERE run_id = ?", arguments: [runID]) else {
                    return nil
                }
                let rows = try Row.fetchCursor(db, sql: """
                    SELECT file_id, digest, is_query, is_reference, touched, segments FROM match_run_files WHERE run_id = ? ORDER BY file_id
                    """, arguments: [runID])
                var files: [MatchedFile] = []
                while let row = try rows.next() {
                    let touched: Data = row[4], segments: Data = row[5]
                    files.append(MatchedFile(fileID: row[0], digest: UInt64(bitPattern: row[1]), isQuery: row[2], isReference: row[3],
                                             touched: try SegmentCoding.decodeIDs(touched).orCorrupt(table: "match_run_files", column: "touched", "\(touched.count) bytes"),
                                             segments: try SegmentCoding.decode(segments).orCorrupt(table: "match_run_files", column: "segments", "\(segments.count) bytes")))
                }
                return MatchReuseState(matcherKey: key, files: files)
            }
        }
    }
}
