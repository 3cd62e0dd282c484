import Foundation
import KeyprintModel
import KeyprintStore
import PostgresNIO

/// One match run divided between several `keyprint match` processes: the open run of a key in
/// `shared_matches`, its queries claimed with `FOR UPDATE SKIP LOCKED` under leases timed on
/// the server's clock, each query's direct segments in `shared_match_segments` until the worker
/// that finishes last stores the run (and drops them) in one transaction.
extension PostgresCaseStore: SharedMatchStore {
    public func joinSharedMatch(_ plan: SharedMatchPlan, worker: String) async throws -> SharedMatch {
        try await write { c, l in
            // Two workers that open the same key at once: the unique index on open runs lets one
            // insert; the other finds its row after it committed.
            if let id = try await c.query("""
                INSERT INTO shared_matches (match_key, query_collection, reference_collection, settings, command_line, started_at)
                VALUES (\(plan.key), \(plan.queryCollection), \(plan.referenceCollection), \(plan.settings.json), \(plan.commandLine), \(Date()))
                ON CONFLICT (match_key) WHERE finished_at IS NULL DO NOTHING RETURNING id
                """, logger: l).collect().first?.decode(Int64.self) {
                let positions = plan.queries.indices.map { Int64($0) }
                try await c.query("""
                    INSERT INTO shared_match_queries (match_id, file_id, position, state)
                    SELECT \(id), f, p, 'pending' FROM unnest(\(plan.queries)::int8[], \(positions)::int8[]) AS u(f, p)
                    """, logger: l)
            }
            guard let row = try await c.query("""
                SELECT id, started_at, command_line FROM shared_matches WHERE match_key = \(plan.key) AND finished_at IS NULL
                """, logger: l).collect().first else {
                throw StoreError.postgres(sqlState: "", message: "the open match run of this comparison disappeared while joining it", sql: nil)
            }
            let (id, started, commandLine) = try row.decode((Int64, Date, String).self)
            let queries = try await c.query("""
                SELECT file_id FROM shared_match_queries WHERE match_id = \(id) ORDER BY position
                """, logger: l).collect().map { try $0.decode(Int64.self) }
            try await c.query("""
                UPDATE shared_match_queries SET state = 'pending', lease_worker = NULL, lease_expires = NULL
                WHERE lease_worker = \(worker) AND state = 'running'
                """, logger: l)
            try await c.query("""
                INSERT INTO match_workers (id, match_id, started_at, heartbeat_at) VALUES (\(worker), \(id), now(), now())
                ON CONFLICT (id) DO UPDATE SET match_id = EXCLUDED.match_id, started_at = now(), heartbeat_at = now(), ended_at = NULL
                """, logger: l)
            return SharedMatch(id: id, startedAt: started, commandLine: commandLine, queries: queries)
        }
    }

    public func claimNextQuery(matchID: Int64, worker: String, leaseSeconds: Double) async throws -> Int64? {
        try await write { c, l in
            try await c.query("""
                WITH next AS (
                    SELECT file_id FROM shared_match_queries
                    WHERE match_id = \(matchID)
                        AND (state = 'pending' OR (state = 'running' AND (lease_expires IS NULL OR lease_expires <= now())))
                    ORDER BY position LIMIT 1 FOR UPDATE SKIP LOCKED)
                UPDATE shared_match_queries q SET state = 'running', lease_worker = \(worker),
                    lease_expires = now() + make_interval(secs => \(leaseSeconds))
                FROM next WHERE q.match_id = \(matchID) AND q.file_id = next.file_id
                RETURNING q.file_id
                """, logger: l).collect().first?.decode(Int64.self)
        }
    }

    public func commitQuery(matchID: Int64, fileID: Int64, segments: [MatchSegment], worker: String) async throws -> Bool {
        try await write { c, l in
            let held = try await c.query("""
                SELECT file_id FROM shared_match_queries
                WHERE match_id = \(matchID) AND file_id = \(fileID) AND state = 'running' AND lease_worker = \(worker) FOR UPDATE
                """, logger: l).collect().count == 1
            guard held else { return false }
            if !segments.isEmpty {
                let s = segments
                try await c.query("""
                    INSERT INTO shared_match_segments (match_id, query_file_id, n, segment_query_file_id, reference_file_id, query_start_s, query_end_s,
                        reference_start_s, reference_end_s, slope, score, matched_frames, mean_distance, transform)
                    SELECT \(matchID), \(fileID), n, q, r, qs, qe, rs, re, sl, sc, mf, md, tr
                    FROM unnest(\(s.map(\.queryVideoID))::int8[], \(s.map(\.referenceVideoID))::int8[], \(s.map(\.queryStart))::float8[], \(s.map(\.queryEnd))::float8[],
                                \(s.map(\.referenceStart))::float8[], \(s.map(\.referenceEnd))::float8[], \(s.map(\.slope))::float8[],
                                \(s.map(\.score))::float8[], \(s.map(\.matchedFrames))::int8[], \(s.map(\.meanDistance))::float8[],
                                \(s.map(\.transform.rawValue))::text[])
                        WITH ORDINALITY AS u(q, r, qs, qe, rs, re, sl, sc, mf, md, tr, n)
                    """, logger: l)
            }
            try await c.query("""
                UPDATE shared_match_queries SET state = 'done', lease_worker = NULL, lease_expires = NULL, done_by = \(worker)
                WHERE match_id = \(matchID) AND file_id = \(fileID)
                """, logger: l)
            return true
        }
    }

    public func matchHeartbeat(worker: String, leaseSeconds: Double) async throws {
        try await write { c, l in
            try await c.query("""
                UPDATE shared_match_queries SET lease_expires = now() + make_interval(secs => \(leaseSeconds))
                WHERE lease_worker = \(worker) AND state = 'running'
                """, logger: l)
            try await c.query("UPDATE match_workers SET heartbeat_at = now() WHERE id = \(worker)", logger: l)
        }
    }

    public func openQueries(matchID: Int64, excluding worker: String) async throws -> (left: Int, leasedByOthers: Int) {
        try await read { c, l in
            try await c.query("""
                SELECT count(*) FILTER (WHERE state <> 'done'),
                    count(*) FILTER (WHERE state = 'running' AND lease_expires > now() AND lease_worker IS DISTINCT FROM \(worker))
                FROM shared_match_queries WHERE match_id = \(matchID)
                """, logger: l).collect().first!.decode((Int, Int).self)
        }
    }

    public func finishSharedMatch(matchID: Int64, run: MatchRun,
                                  assemble: @escaping @Sendable ([MatchSegment]) -> [MatchSegment]) async throws -> (run: MatchRun, segments: [MatchSegment])? {
        try await write { c, l in
            // The run's row locked: workers that finish at once take turns; the second finds it stored.
            guard let row = try await c.query("""
                SELECT finished_at, run_id, started_at, command_line FROM shared_matches WHERE id = \(matchID) FOR UPDATE
                """, logger: l).collect().first else { return nil }
            let (finished, runID, started, commandLine) = try row.decode((Date?, Int64?, Date, String).self)
            if finished != nil {
                let stored = try await c.query("""
                    SELECT id, query_collection, reference_collection, settings, command_line, started_at, ended_at FROM match_runs WHERE id = \(runID)
                    """, logger: l).collect().first
                guard let stored, let runID else { return (run, []) }
                let (id, q, r, json, line, start, end) = try stored.decode((Int64, String?, String?, String, String, Date, Date?).self)
                guard let settings = MatchRunSettings(json: json) else { throw Self.corrupt("match_runs", "settings", json) }
                let saved = MatchRun(id: id, queryCollection: q, referenceCollection: r, settings: settings, commandLine: line, startedAt: start, endedAt: end)
                return (saved, try await Self.selectSegments(c, l, runID: runID))
            }
            let left = try await c.query("""
                SELECT count(*) FROM shared_match_queries WHERE match_id = \(matchID) AND state <> 'done'
                """, logger: l).collect().first!.decode(Int.self)
            guard left == 0 else { return nil }
            var found: [MatchSegment] = []
            for row in try await c.query("""
                SELECT COALESCE(s.segment_query_file_id, s.query_file_id), s.reference_file_id, s.query_start_s, s.query_end_s, s.reference_start_s, s.reference_end_s, s.slope,
                    s.matched_frames, s.mean_distance, s.score, s.transform
                FROM shared_match_segments s JOIN shared_match_queries q ON q.match_id = s.match_id AND q.file_id = s.query_file_id
                WHERE s.match_id = \(matchID) ORDER BY q.position, s.n
                """, logger: l).collect() {
                let (qf, rf, qs, qe, rs, re, slope, matched, mean, score, transformText) =
                    try row.decode((Int64, Int64, Double, Double, Double, Double, Double, Int, Double, Double, String).self)
                guard let transform = MatchTransform(rawValue: transformText) else { throw Self.corrupt("shared_match_segments", "transform", transformText) }
                found.append(MatchSegment(queryVideoID: qf, referenceVideoID: rf, queryStart: qs, queryEnd: qe, referenceStart: rs, referenceEnd: re,
                                          slope: slope, matchedFrames: matched, meanDistance: mean, score: score, transform: transform))
            }
            let kept = assemble(found)
            var whole = run
            whole.startedAt = started
            whole.commandLine = commandLine
            whole.endedAt = Date()
            let saved = try await Self.insertMatchRun(c, l, whole, segments: kept)
            try await c.query("UPDATE shared_matches SET finished_at = now(), run_id = \(saved.id) WHERE id = \(matchID)", logger: l)
            try await c.query("DELETE FROM shared_match_segments WHERE match_id = \(matchID)", logger: l)
            return (saved, kept)
        }
    }

    public func releaseMatchLeases(worker: String) async throws {
        try await write { c, l in
            try await c.query("""
                UPDATE shared_match_queries SET state = 'pending', lease_worker = NULL, lease_expires = NULL
                WHERE lease_worker = \(worker) AND state = 'running'
                """, logger: l)
            try await c.query("UPDATE match_workers SET heartbeat_at = now(), ended_at = now() WHERE id = \(worker)", logger: l)
        }
    }

    public func matchWorkers() async throws -> [MatchWorkerStatus] {
        try await read { c, l in
            var holding: [String: [String]] = [:]
            for row in try await c.query("""
                SELECT q.lease_worker, f.collection || ':' || f.relative_path FROM shared_match_queries q JOIN files f ON f.id = q.file_id
                WHERE q.state = 'running' AND q.lease_expires > now() AND q.lease_worker IS NOT NULL
                ORDER BY f.collection COLLATE "C", f.relative_path COLLATE "C"
                """, logger: l).collect() {
                let (worker, path) = try row.decode((String, String).self)
                holding[worker, default: []].append(path)
            }
            return try await c.query("""
                SELECT w.id, w.match_id, w.started_at, w.heartbeat_at, w.ended_at,
                    (SELECT count(*) FROM shared_match_queries q WHERE q.match_id = w.match_id AND q.done_by = w.id)
                FROM match_workers w ORDER BY w.id COLLATE "C"
                """, logger: l).collect().map { row in
                let (id, matchID, started, beat, ended, committed) = try row.decode((String, Int64?, Date, Date, Date?, Int).self)
                return MatchWorkerStatus(id: id, matchID: matchID, startedAt: started, heartbeatAt: beat, endedAt: ended,
                                         holding: holding[id] ?? [], committed: committed)
            }
        }
    }
}
