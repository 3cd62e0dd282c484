import Foundation
import GRDB
import KeyprintModel

extension SQLiteCaseStore {
    public func saveMatchRun(_ run: MatchRun, segments: [MatchSegment]) async throws -> MatchRun {
        try await guarded { try await self.pool.write { db in try Self.insertMatchRun(db, run, segments: segments) } }
    }

    /// Inside a write transaction: replaces every run of the same comparison with `run` and its segments.
    static func insertMatchRun(_ db: Database, _ run: MatchRun, segments: [MatchSegment]) throws -> MatchRun {
        // Same comparison: same query and reference collection, NULL meaning "all".
        try db.execute(sql: """
            DELETE FROM match_runs WHERE query_collection IS ? AND reference_collection IS ?
            """, arguments: [run.queryCollection, run.referenceCollection])
        try db.execute(sql: """
            INSERT INTO match_runs (query_collection, reference_collection, settings, command_line, started_at, ended_at)
            VALUES (?, ?, ?, ?, ?, ?)
            """, arguments: [run.queryCollection, run.referenceCollection, run.settings.json, run.commandLine,
                             run.startedAt, run.endedAt])
        var saved = run
        saved.id = db.lastInsertedRowID
        let insert = try db.cachedStatement(sql: """
            INSERT INTO match_segments (run_id, query_file_id, reference_file_id, query_start_s, query_end_s,
                reference_start_s, reference_end_s, slope, score, matched_frames, mean_distance, transform, via_file_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        for s in segments {
            try insert.execute(arguments: [saved.id, s.queryVideoID, s.referenceVideoID, s.queryStart, s.queryEnd,
                                           s.referenceStart, s.referenceEnd, s.slope, s.score, s.matchedFrames,
                                           s.meanDistance, s.transform.rawValue, s.via])
        }
        return saved
    }

    public func matchRuns() async throws -> [MatchRun] {
        try await guarded {
            try await self.pool.read { db in
                try Row.fetchAll(db, sql: "SELECT * FROM match_runs ORDER BY id").map { row in
                    let json: String = try row.decode(forColumn: "settings")
                    return MatchRun(id: try row.decode(forColumn: "id"), queryCollection: try row.decode(forColumn: "query_collection"), referenceCollection: try row.decode(forColumn: "reference_collection"),
                                    settings: try MatchRunSettings(json: json).orCorrupt(table: "match_runs", column: "settings", json),
                                    commandLine: try row.decode(forColumn: "command_line"), startedAt: try row.decode(forColumn: "started_at"), endedAt: try row.decode(forColumn: "ended_at"))
                }
            }
        }
    }

    public func matchSegments(runID: Int64) async throws -> [MatchSegment] {
        try await guarded {
            try await self.pool.read { db in
                try Row.fetchAll(db, sql: "SELECT * FROM match_segments WHERE run_id = ? ORDER BY score DESC, id", arguments: [runID]).map { row in
                    let transform: String = try row.decode(forColumn: "transform")
                    var segment = MatchSegment(queryVideoID: try row.decode(forColumn: "query_file_id"), referenceVideoID: try row.decode(forColumn: "reference_file_id"),
                                        queryStart: try row.decode(forColumn: "query_start_s"), queryEnd: try row.decode(forColumn: "query_end_s"),
                                        referenceStart: try row.decode(forColumn: "reference_start_s"), referenceEnd: try row.decode(forColumn: "reference_end_s"),
                                        slope: try row.decode(forColumn: "slope"), matchedFrames: try row.decode(forColumn: "matched_frames"), meanDistance: try row.decode(forColumn: "mean_distance"),
                                        score: try row.decode(forColumn: "score"), transform: try MatchTransform(rawValue: transform).orCorrupt(table: "match_segments", column: "transform", transform))
                    segment.via = try row.decode(forColumn: "via_file_id")
                    return segment
                }
            }
        }
    }
}
