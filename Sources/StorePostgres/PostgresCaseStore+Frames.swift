import Foundation
import KeyprintModel
import KeyprintStore
import PostgresNIO

extension PostgresCaseStore {
    /// Inside a transaction: a file's rows of `table` replaced by `hashes`, inserted with one
    /// statement (arrays bound in binary, unnested by the server).
    static func replaceRows(_ c: PostgresConnection, _ l: Logger, table: FrameHashTable, fileID: Int64, with hashes: [FrameHash]) async throws {
        try await c.query(PostgresQuery(unsafeSQL: "DELETE FROM \(table.rawValue) WHERE file_id = $1", binds: binds(fileID)), logger: l)
        guard !hashes.isEmpty else { return }
        try await insertRows(c, l, table: table, fileID: fileID, hashes)
        try await replaceDihedralRows(c, l, table: table, fileID: fileID, with: hashes)
    }

    /// Inside a transaction: `hashes` as rows of `table` (not their dihedral hashes), in one
    /// statement.
    static func insertRows(_ c: PostgresConnection, _ l: Logger, table: FrameHashTable, fileID: Int64, _ hashes: [FrameHash]) async throws {
        guard !hashes.isEmpty else { return }
        var b = PostgresBindings(capacity: 6)
        b.append(fileID)
        b.append(BinaryArray(int8: hashes.map(\.index)))
        b.append(BinaryArray(float8: hashes.map(\.timestamp)))
        b.append(BinaryArray(int8: hashes.map(\.quality)))
        b.append(BinaryArray(bytea: hashes.map(\.hash.bytes)))
        b.append(BinaryArray(bytea: hashes.map(\.mirrorHash.bytes)))
        try await c.query(PostgresQuery(unsafeSQL: """
            INSERT INTO \(table.rawValue) (file_id, frame_index, timestamp_s, quality, hash, mirror_hash)
            SELECT $1, i, t, q, h, m FROM unnest($2::int8[], $3::float8[], $4::int8[], $5::bytea[], $6::bytea[]) AS u(i, t, q, h, m)
            """, binds: b), logger: l)
    }

    /// Inside a transaction, beside `replaceRows`: a file's dihedral rows of `table` replaced by
    /// those of `hashes` (frames without dihedral hashes get no row).
    static func replaceDihedralRows(_ c: PostgresConnection, _ l: Logger, table: FrameHashTable, fileID: Int64,
                                    with hashes: [FrameHash]) async throws {
        let kind = table.dihedralKind
        try await c.query("DELETE FROM dihedral_frames WHERE file_id = \(fileID) AND kind = \(kind)", logger: l)
        let turned = hashes.compactMap { h in h.dihedral.map { (h.index, $0) } }
        guard !turned.isEmpty else { return }
        var b = PostgresBindings(capacity: 4)
        b.append(fileID)
        b.append(kind)
        b.append(BinaryArray(int8: turned.map(\.0)))
        b.append(BinaryArray(bytea: turned.map(\.1.bytes)))
        try await c.query(PostgresQuery(unsafeSQL: """
            INSERT INTO dihedral_frames (file_id, kind, frame_index, hashes)
            SELECT $1, $2, i, h FROM unnest($3::int8[], $4::bytea[]) AS u(i, h)
            """, binds: b), logger: l)
    }

    static func binds(_ id: Int64) -> PostgresBindings {
        var b = PostgresBindings(capacity: 1)
        b.append(id)
        return b
    }

    public func frames(fileID: Int64) async throws -> [StoredFrame] {
        try await read { c, l in try await Self.rows(c, l, table: .frames, fileID: fileID) }
    }

    public func regionFrames(fileID: Int64) async throws -> [StoredFrame] {
        try await read { c, l in try await Self.rows(c, l, table: .regionFrames, fileID: fileID) }
    }

    static func rows(_ c: PostgresConnection, _ l: Logger, table: FrameHashTable, fileID: Int64) async throws -> [StoredFrame] {
        try await c.query(PostgresQuery(unsafeSQL: """
            SELECT file_id, frame_index, timestamp_s, quality, hash, mirror_hash FROM \(table.rawValue) WHERE file_id = $1 ORDER BY frame_index
            """, binds: binds(fileID)), logger: l).collect().map { try storedFrame($0, table: table) }
    }

    /// A row of (file_id, frame_index, timestamp_s, quality, hash, mirror_hash).
    static func storedFrame(_ row: PostgresRow, table: FrameHashTable) throws -> StoredFrame {
        let (fileID, index, timestamp, quality, hash, mirror) = try row.decode((Int64, Int, Double, Int, ByteBuffer, ByteBuffer).self)
        return StoredFrame(fileID: fileID, index: index, timestamp: timestamp, quality: quality,
                           hash: try pdq(hash, table: table, column: "hash"), mirrorHash: try pdq(mirror, table: table, column: "mirror_hash"))
    }

    static func pdq(_ buffer: ByteBuffer, table: FrameHashTable, column: String) throws -> PDQHash {
        guard let hash = PDQHash(bytes: Array(buffer.readableBytesView)) else {
            throw StoreError.corruptRow(table: table.rawValue, column: column, reason: "holds \(buffer.readableBytes) bytes, which does not decode")
        }
        return hash
    }

    public func frames(collection: String) async throws -> [StoredFrame] {
        try await read { c, l in
            try await c.query("""
                SELECT frames.file_id, frames.frame_index, frames.timestamp_s, frames.quality, frames.hash, frames.mirror_hash
                FROM frames JOIN files ON files.id = frames.file_id
                WHERE files.collection = \(collection) AND files.state = 'done' ORDER BY files.relative_path COLLATE "C", frames.frame_index
                """, logger: l).collect().map { try Self.storedFrame($0, table: .frames) }
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

    // MARK: Regions

    public func regions(fileID: Int64) async throws -> [StoredRegion] {
        try await read { c, l in
            try await c.query("""
                SELECT file_id, start_s, x, y, width, height, detector, detector_version FROM shot_regions WHERE file_id = \(fileID) ORDER BY start_s
                """, logger: l).collect().map { row in
                let (id, start, x, y, w, h, detector, version) = try row.decode((Int64, Double, Double?, Double?, Double?, Double?, String, Int).self)
                var rect: NormalizedRect?
                if let x, let y, let w, let h { rect = NormalizedRect(x: x, y: y, width: w, height: h) }
                return StoredRegion(fileID: id, startTime: start, rect: rect, detector: detector, detectorVersion: version)
            }
        }
    }

    public func storedHashes(collection: String?) async throws -> [StoredVideoHashes] {
        let done = try await files(collection: collection).filter { $0.state == .done }
        guard !done.isEmpty else { return [] }
        let ids = done.map(\.id)
        return try await read { c, l in
            /// The dihedral rows of `table` merged into `byFile` (frames in frame order) by index.
            func attachDihedral(_ table: FrameHashTable, to byFile: inout [Int64: [FrameHash]]) async throws {
                guard !byFile.isEmpty else { return }
                var b = PostgresBindings(capacity: 2)
                b.append(ids)
                b.append(table.dihedralKind)
                let rows = try await c.query(PostgresQuery(unsafeSQL: """
                    SELECT file_id, frame_index, hashes FROM dihedral_frames
                    WHERE file_id = ANY($1::int8[]) AND kind = $2 ORDER BY file_id, frame_index
                    """, binds: b), logger: l)
                var merger = DihedralRowMerger()
                for try await row in rows {
                    let (fileID, index, blob) = try row.decode((Int64, Int, ByteBuffer).self)
                    guard byFile[fileID] != nil else { continue }
                    guard let turned = DihedralHashes(bytes: blob.readableBytesView) else {
                        throw StoreError.corruptRow(table: "dihedral_frames", column: "hashes", reason: "holds \(blob.readableBytes) bytes, not 192")
                    }
                    merger.attach(turned, fileID: fileID, index: index, to: &byFile)
                }
            }
            func all(_ table: FrameHashTable) async throws -> [Int64: [FrameHash]] {
                var b = PostgresBindings(capacity: 1)
                b.append(ids)
                var out: [Int64: [FrameHash]] = [:]
                let rows = try await c.query(PostgresQuery(unsafeSQL: """
                    SELECT file_id, frame_index, timestamp_s, quality, hash, mirror_hash FROM \(table.rawValue)
                    WHERE file_id = ANY($1::int8[]) ORDER BY file_id, frame_index
                    """, binds: b), logger: l)
                for try await row in rows {
                    let frame = try Self.storedFrame(row, table: table)
                    out[frame.fileID, default: []].append(frame.frameHash)
                }
                try await attachDihedral(table, to: &out)
                return out
            }
            let frames = try await all(.frames)
            let regions = try await all(.regionFrames)
            let pictures = try await all(.pictureFrames)
            var shots: [Int64: [ShotRegion]] = [:]
            for row in try await c.query("""
                SELECT file_id, start_s, x, y, width, height FROM shot_regions WHERE file_id = ANY(\(ids)::int8[]) ORDER BY file_id, start_s
                """, logger: l).collect() {
                let (id, start, x, y, w, h) = try row.decode((Int64, Double, Double?, Double?, Double?, Double?).self)
                var rect: NormalizedRect?
                if let x, let y, let w, let h { rect = NormalizedRect(x: x, y: y, width: w, height: h) }
                shots[id, default: []].append(ShotRegion(startTime: start, region: rect))
            }
            return done.map { file in
                StoredVideoHashes(file: file, frames: frames[file.id] ?? [], regionFrames: regions[file.id] ?? [],
                                  pictureFrames: pictures[file.id] ?? [], shots: shots[file.id] ?? [])
            }
        }
    }

    // MARK: Matches

    public func saveMatchRun(_ run: MatchRun, segments: [MatchSegment]) async throws -> MatchRun {
        try await write { c, l in try await Self.insertMatchRun(c, l, run, segments: segments) }
    }

    /// Inside a transaction: `run` and its segments stored, replacing the earlier runs of the
    /// same comparison.
    static func insertMatchRun(_ c: PostgresConnection, _ l: Logger, _ run: MatchRun, segments: [MatchSegment]) async throws -> MatchRun {
            try await c.query("""
                DELETE FROM match_runs WHERE query_collection IS NOT DISTINCT FROM \(run.queryCollection)::text
                    AND reference_collection IS NOT DISTINCT FROM \(run.referenceCollection)::text
                """, logger: l)
            var saved = run
            saved.id = try await c.query("""
                INSERT INTO match_runs (query_collection, reference_collection, settings, command_line, started_at, ended_at)
                VALUES (\(run.queryCollection), \(run.referenceCollection), \(run.settings.json), \(run.commandLine), \(run.startedAt), \(run.endedAt))
                RETURNING id
                """, logger: l).collect().first!.decode(Int64.self)
            guard !segments.isEmpty else { return saved }
            let s = segments
            try await c.query("""
                INSERT INTO match_segments (run_id, query_file_id, reference_file_id, query_start_s, query_end_s, reference_start_s,
                    reference_end_s, slope, score, matched_frames, mean_distance, transform, via_file_id)
                SELECT \(saved.id), q, r, qs, qe, rs, re, sl, sc, mf, md, tr, NULLIF(via, -1)
                FROM unnest(\(s.map(\.queryVideoID))::int8[], \(s.map(\.referenceVideoID))::int8[], \(s.map(\.queryStart))::float8[],
                            \(s.map(\.queryEnd))::float8[], \(s.map(\.referenceStart))::float8[], \(s.map(\.referenceEnd))::float8[],
                            \(s.map(\.slope))::float8[], \(s.map(\.score))::float8[], \(s.map(\.matchedFrames))::int8[],
                            \(s.map(\.meanDistance))::float8[], \(s.map(\.transform.rawValue))::text[], \(s.map { $0.via ?? -1 })::int8[])
                    WITH ORDINALITY AS u(q, r, qs, qe, rs, re, sl, sc, mf, md, tr, via, n)
                ORDER BY n
                """, logger: l)
            return saved
    }

    public func matchRuns() async throws -> [MatchRun] {
        try await read { c, l in
            try await c.query("""
                SELECT id, query_collection, reference_collection, settings, command_line, started_at, ended_at FROM match_runs ORDER BY id
                """, logger: l).collect().map { row in
                let (id, q, r, json, commandLine, started, ended) = try row.decode((Int64, String?, String?, String, String, Date, Date?).self)
                guard let settings = MatchRunSettings(json: json) else { throw Self.corrupt("match_runs", "settings", json) }
                return MatchRun(id: id, queryCollection: q, referenceCollection: r, settings: settings, commandLine: commandLine,
                                startedAt: started, endedAt: ended)
            }
        }
    }

    public func matchSegments(runID: Int64) async throws -> [MatchSegment] {
        try await read { c, l in try await Self.selectSegments(c, l, runID: runID) }
    }

    /// A run's segments, highest score first.
    static func selectSegments(_ c: PostgresConnection, _ l: Logger, runID: Int64) async throws -> [MatchSegment] {
            try await c.query("""
                SELECT query_file_id, reference_file_id, query_start_s, query_end_s, reference_start_s, reference_end_s, slope,
                    matched_frames, mean_distance, score, transform, via_file_id
                FROM match_segments WHERE run_id = \(runID) ORDER BY score DESC, id
                """, logger: l).collect().map { row in
                let (q, r, qs, qe, rs, re, slope, matched, mean, score, transformText, via) =
                    try row.decode((Int64, Int64, Double, Double, Double, Double, Double, Int, Double, Double, String, Int64?).self)
                guard let transform = MatchTransform(rawValue: transformText) else { throw Self.corrupt("match_segments", "transform", transformText) }
                var segment = MatchSegment(queryVideoID: q, referenceVideoID: r, queryStart: qs, queryEnd: qe, referenceStart: rs, referenceEnd: re,
                                           slope: slope, matchedFrames: matched, meanDistance: mean, score: score, transform: transform)
                segment.via = via
                return segment
            }
    }
}
