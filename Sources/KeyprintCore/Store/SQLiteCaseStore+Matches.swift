import Foundation
import GRDB

extension SQLiteCaseStore {
    public func saveMatchRun(_ run: MatchRun, segments: [MatchSegment]) throws -> MatchRun {
        try guarded {
            try pool.write { db in
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
        }
    }

    public func matchRuns() throws -> [MatchRun] {
        try guarded {
            try pool.read { db in
                try Row.fetchAll(db, sql: "SELECT * FROM match_runs ORDER BY id").map { row in
                    let json: String = row["settings"]
                    return MatchRun(id: row["id"], queryCollection: row["query_collection"], referenceCollection: row["reference_collection"],
                                    settings: MatchRunSettings(json: json) ?? MatchRunSettings(MatchSettings()),
                                    commandLine: row["command_line"], startedAt: row["started_at"], endedAt: row["ended_at"])
                }
            }
        }
    }

    public func matchSegments(runID: Int64) throws -> [MatchSegment] {
        try guarded {
            try pool.read { db in
                try Row.fetchAll(db, sql: "SELECT * FROM match_segments WHERE run_id = ? ORDER BY score DESC, id", arguments: [runID]).map { row in
                    let transform: String = row["transform"]
                    var segment = MatchSegment(queryVideoID: row["query_file_id"], referenceVideoID: row["reference_file_id"],
                                        queryStart: row["query_start_s"], queryEnd: row["query_end_s"],
                                        referenceStart: row["reference_start_s"], referenceEnd: row["reference_end_s"],
                                        slope: row["slope"], matchedFrames: row["matched_frames"], meanDistance: row["mean_distance"],
                                        score: row["score"], transform: MatchTransform(rawValue: transform) ?? .none)
                    segment.via = row["via_file_id"]
                    return segment
                }
            }
        }
    }
}
