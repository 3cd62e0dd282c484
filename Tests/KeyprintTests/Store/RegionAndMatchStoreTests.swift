import Foundation
import Testing
@testable import KeyprintModel
@testable import KeyprintDecode
@testable import KeyprintHash
@testable import KeyprintIndex
@testable import KeyprintMatch
@testable import KeyprintStore
@testable import KeyprintExport
@testable import KeyprintPipeline

/// The v2 (regions) and v3 (match results) parts of the case database, on real SQLite files.
@Suite struct RegionAndMatchStoreTests {
    static func frame(_ i: Int, salt: UInt64 = 0) -> FrameHash {
        let h = PDQHash(w0: UInt64(i) ^ salt, w1: 0xFEED_F00D, w2: UInt64(i) << 40, w3: ~UInt64(i))
        return FrameHash(index: i, timestamp: Double(i), quality: 80, hash: h, mirrorHash: PDQHash(w0: ~h.w0))
    }

    static func segment(_ q: Int64, _ r: Int64, score: Double, start: Double = 1) -> MatchSegment {
        MatchSegment(queryVideoID: q, referenceVideoID: r, queryStart: start, queryEnd: start + 10, referenceStart: start + 2,
                     referenceEnd: start + 12.5, slope: 1.25, matchedFrames: 9, meanDistance: 7.5, score: score, transform: .mirrorCrop)
    }

    /// A store with one scan and `count` pending files; returns the store, scan id and file ids.
    static func storeWithFiles(_ folder: TemporaryFolder, count: Int) async throws -> (SQLiteCaseStore, Int64, [Int64]) {
        let store = try SQLiteCaseStore(path: folder.path + "/case.sqlite")
        let settings = ScanSettings(sampling: .defaultInterval, timeBudget: 60, jobs: 1)
        let scan = try await store.beginScan(root: "/e", collection: "c", settings: settings, commandLine: "k", versions: "v")
        let ids = try await store.markPending(collection: "c", root: "/e", files: (0..<count).map { ("f\($0).mp4", nil) }, scanID: scan.id)
        return (store, scan.id, ids)
    }

    @Test func shotRegionsAndRegionFramesCommitWithTheFileAndAreReplaced() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let (store, scanID, ids) = try await Self.storeWithFiles(folder, count: 1)
        let id = ids[0]
        let rect = NormalizedRect(x: 0.02, y: 0.12, width: 0.75, height: 0.75)
        // Three shots: an opening without a region, the pane, other footage without a region.
        let shots = [ShotRegion(startTime: 0, region: nil), ShotRegion(startTime: 2, region: rect), ShotRegion(startTime: 4, region: nil)]
        var outcome = FileOutcome(fileID: id, state: .done, size: 1, mtimeNanoseconds: 1, frames: (0..<5).map { Self.frame($0) },
                                  shots: shots, regionFrames: (0..<5).map { Self.frame($0, salt: 99) })
        // The pipeline names the detection that found the shots (`FileProcessor`).
        outcome.regionDetector = RegionHashing.detectorName
        outcome.regionDetectorVersion = RegionHashing.detectorVersion
        try await store.commit(outcome, scanID: scanID)
        let regions = try await store.regions(fileID: id)
        #expect(regions.map(\.shot) == shots)
        #expect(regions.allSatisfy { $0.fileID == id && $0.detector == RegionHashing.detectorName && $0.detectorVersion == RegionHashing.detectorVersion })
        #expect(try await store.regionFrames(fileID: id).map(\.frameHash) == (0..<5).map { Self.frame($0, salt: 99) })
        let video = try #require(try await store.videoFrames(collection: "c").first)
        #expect(video.videoID == id && video.frames == (0..<5).map { Self.frame($0) } && video.hasRegions)

        // Reprocessed with another region: the old rows are replaced, not added to.
        let other = NormalizedRect(x: 0.1, y: 0.1, width: 0.5, height: 0.5)
        try await store.commit(FileOutcome(fileID: id, state: .done, size: 1, mtimeNanoseconds: 1, frames: (0..<3).map { Self.frame($0) },
                                     shots: [ShotRegion(startTime: 0, region: other)], regionFrames: (0..<3).map { Self.frame($0, salt: 7) }), scanID: scanID)
        #expect(try await store.regions(fileID: id).map(\.shot) == [ShotRegion(startTime: 0, region: other)])
        #expect(try await store.regionFrames(fileID: id).map(\.frameHash) == (0..<3).map { Self.frame($0, salt: 7) })
        // Reprocessed without a region (or failed): no region rows remain.
        try await store.commit(FileOutcome(fileID: id, state: .failed, error: "broken", size: 1, mtimeNanoseconds: 1), scanID: scanID)
        #expect(try await store.regions(fileID: id).isEmpty)
        #expect(try await store.regionFrames(fileID: id).isEmpty)
        #expect(try await store.videoFrames(collection: nil).isEmpty)
    }

    @Test func pictureFramesCommitWithTheFileLoadAndAreReplaced() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let (store, scanID, ids) = try await Self.storeWithFiles(folder, count: 1)
        let id = ids[0]
        let shots = [ShotRegion(startTime: 0, region: NormalizedRect(x: 0.02, y: 0.37, width: 0.75, height: 0.24))]
        let pictures = [1, 3].map { Self.frame($0, salt: 55) }
        var outcome = FileOutcome(fileID: id, state: .done, size: 1, mtimeNanoseconds: 1, frames: (0..<5).map { Self.frame($0) },
                                  shots: shots, regionFrames: (0..<5).map { Self.frame($0, salt: 99) })
        outcome.pictureFrames = pictures
        try await store.commit(outcome, scanID: scanID)
        let video = try #require(try await store.videoFrames(collection: "c").first)
        #expect(video.pictureFrames == pictures)
        #expect(video.picturesByPosition().keys.sorted() == [1, 3])
        // Reprocessed (here: failed): the picture rows go with the file's other rows.
        try await store.commit(FileOutcome(fileID: id, state: .failed, error: "broken", size: 1, mtimeNanoseconds: 1), scanID: scanID)
        outcome.pictureFrames = []
        try await store.commit(outcome, scanID: scanID)
        #expect(try #require(try await store.videoFrames(collection: "c").first).pictureFrames.isEmpty)
    }

    /// Dense sampling stores region hashes for a 1-s subset: loading fills every other frame
    /// with the nearest region hash of its own shot, keeping the lender's timestamp.
    @Test func denseFilesBorrowTheNearestRegionHashOfTheirShot() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let (store, scanID, ids) = try await Self.storeWithFiles(folder, count: 1)
        // 4 frames a second over 6 s (index i at i/4 s); region rows at 0, 1, 2, 3, 4, 5 s.
        let frames = (0..<24).map { i in var f = Self.frame(i); f.timestamp = Double(i) / 4; return f }
        let own = stride(from: 0, to: 24, by: 4).map { i in var f = Self.frame(i, salt: 99); f.timestamp = Double(i) / 4; return f }
        let pane = NormalizedRect(x: 0.1, y: 0.1, width: 0.5, height: 0.5)
        // Shot 1 (pane) 0–2.9 s, shot 2 without a region from 3 s, shot 3 (pane) from 4 s.
        let shots = [ShotRegion(startTime: 0, region: pane), ShotRegion(startTime: 3, region: nil), ShotRegion(startTime: 4, region: pane)]
        try await store.commit(FileOutcome(fileID: ids[0], state: .done, size: 1, mtimeNanoseconds: 1, frames: frames,
                                     shots: shots, regionFrames: own), scanID: scanID)
        #expect(try await store.regionFrames(fileID: ids[0]).map(\.frameHash) == own)
        let video = try #require(try await store.videoFrames(collection: "c").first)
        #expect(video.frames == frames && video.hasRegions)
        // Lender per frame: own rows at 0, 4, 8, 16, 20; frames 1 → 0, 2 → 0 (tie: earlier),
        // 3 → 4; 9, 10, 11 → 8 (frame 12 at 3 s is in the next shot); shot 2 (12–15) has no
        // region: whole-frame hashes, its own row at 12 included; 17 → 16, 18 → 16, 19 → 20;
        // 21, 22, 23 → 20.
        let expected = [0, 0, 0, 4, 4, 4, 4, 8, 8, 8, 8, 8, nil, nil, nil, nil, 16, 16, 16, 20, 20, 20, 20, 20]
        for (i, lender) in expected.enumerated() {
            if let lender {
                #expect(video.regionFrames[i] == own[lender / 4], "frame \(i)")
                #expect(video.ownsRegion(i) == (lender == i), "frame \(i)")
            } else if i == 12 {
                #expect(video.regionFrames[i] == own[3] && video.ownsRegion(i), "frame 12 keeps its own row")
            } else {
                #expect(video.regionFrames[i] == frames[i] && video.ownsRegion(i), "frame \(i)")
            }
        }
    }

    @Test func aFailingRegionInsertRollsBackTheWholeFile() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let (store, scanID, ids) = try await Self.storeWithFiles(folder, count: 1)
        // Two region frames with the same index violate UNIQUE(file_id, frame_index): the frames
        // and state written before them in the same transaction must not stay.
        let bad = FileOutcome(fileID: ids[0], state: .done, size: 1, mtimeNanoseconds: 1, frames: [Self.frame(0)],
                              shots: [ShotRegion(startTime: 0, region: .full)], regionFrames: [Self.frame(0), Self.frame(0)])
        await #expect(throws: StoreError.self) { try await store.commit(bad, scanID: scanID) }
        #expect(try await store.file(id: ids[0])?.state == .pending)
        #expect(try await store.frames(fileID: ids[0]).isEmpty)
        #expect(try await store.regions(fileID: ids[0]).isEmpty)
    }

    @Test func matchRunsReplaceTheSameComparisonOnly() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let (store, _, ids) = try await Self.storeWithFiles(folder, count: 3)
        let settings = MatchRunSettings(MatchSettings(thresholdBits: 24, minDuration: 4))
        let all = try await store.saveMatchRun(MatchRun(queryCollection: nil, referenceCollection: nil, settings: settings,
                                                  commandLine: "keyprint match", startedAt: Date(), endedAt: Date()),
                                         segments: [Self.segment(ids[0], ids[1], score: 5), Self.segment(ids[2], ids[1], score: 9)])
        #expect(try await store.matchSegments(runID: all.id) == [Self.segment(ids[2], ids[1], score: 9), Self.segment(ids[0], ids[1], score: 5)])
        let scoped = try await store.saveMatchRun(MatchRun(queryCollection: "c", referenceCollection: "known", settings: settings,
                                                     commandLine: "keyprint match --query c", startedAt: Date()),
                                            segments: [Self.segment(ids[0], ids[2], score: 3)])
        // Same comparison again: the first run and its segments are gone.
        let again = try await store.saveMatchRun(MatchRun(queryCollection: nil, referenceCollection: nil, settings: settings,
                                                    commandLine: "keyprint match", startedAt: Date()),
                                           segments: [Self.segment(ids[1], ids[0], score: 2)])
        let runs = try await store.matchRuns()
        #expect(runs.map(\.id) == [scoped.id, again.id])
        #expect(runs.first?.queryCollection == "c" && runs.first?.referenceCollection == "known" && runs.first?.settings == settings)
        #expect(runs.last?.queryCollection == nil && runs.last?.settings.thresholdBits == 24)
        #expect(try await store.matchSegments(runID: all.id).isEmpty)
        #expect(try await store.matchSegments(runID: again.id) == [Self.segment(ids[1], ids[0], score: 2)])
        #expect(try await store.matchSegments(runID: scoped.id).count == 1)
    }

    @Test func matchReuseStateIsSavedWithItsRunBitExactAndReplacedWithIt() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let (store, _, ids) = try await Self.storeWithFiles(folder, count: 3)
        let run = MatchRun(queryCollection: nil, referenceCollection: nil, settings: MatchRunSettings(MatchSettings()),
                           commandLine: "k match", startedAt: Date())
        var odd = Self.segment(ids[0], ids[1], score: 0.1 + 0.2, start: 1.0 / 3.0)
        odd.via = ids[2]
        let state = MatchReuseState(matcherKey: "key", files: [
            MatchedFile(fileID: ids[0], digest: UInt64.max - 5, isQuery: true, isReference: true, touched: [ids[1], ids[2]],
                        segments: [Self.segment(ids[0], ids[1], score: 3), odd]),
            MatchedFile(fileID: ids[1], digest: 7, isQuery: false, isReference: true),
        ])
        let saved = try await store.saveMatchRun(run, segments: [Self.segment(ids[0], ids[1], score: 3)], reuse: state)
        #expect(try await store.matchReuseState(runID: saved.id) == state)
        #expect(try await store.matchSegments(runID: saved.id).count == 1)
        // A run of the same comparison saved without reuse state replaces it, state included.
        let plain = try await store.saveMatchRun(run, segments: [])
        #expect(try await store.matchReuseState(runID: plain.id) == nil)
        #expect(try await store.matchReuseState(runID: saved.id) == nil)
    }

    @Test func aVersion3FileRegionBecomesItsOnlyShot() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let path = folder.path + "/v3.sqlite"
        // A database as v3 left it: one file with its one region (file_regions) and region hashes.
        let frame = Self.frame(3), region = Self.frame(3, salt: 5)
        try SQLiteCaseStore.makeDatabase(path: path, migratedUpTo: "v3-matches", statements: [
            .init("""
                INSERT INTO files (id, collection, root, relative_path, state, frame_count, updated_at)
                VALUES (1, 'old', '/e', 'x.mp4', 'done', 1, '2026-01-01 00:00:00.000');
                """),
            .init("""
                INSERT INTO file_regions (file_id, x, y, width, height, detector, detector_version)
                VALUES (1, 0.25, 0.125, 0.5, 0.625, 'ContentRegionDetector', 1);
                """),
            .init("INSERT INTO frames (file_id, frame_index, timestamp_s, quality, hash, mirror_hash) VALUES (1, 3, 3.0, 80, ?, ?)",
                  blobs: [Data(frame.hash.bytes), Data(frame.mirrorHash.bytes)]),
            .init("INSERT INTO region_frames (file_id, frame_index, timestamp_s, quality, hash, mirror_hash) VALUES (1, 3, 3.0, 80, ?, ?)",
                  blobs: [Data(region.hash.bytes), Data(region.mirrorHash.bytes)]),
        ])

        let store = try SQLiteCaseStore(path: path, create: false)
        #expect(try await store.regions(fileID: 1) == [StoredRegion(fileID: 1, startTime: 0, rect: NormalizedRect(x: 0.25, y: 0.125, width: 0.5, height: 0.625),
                                                              detector: "ContentRegionDetector", detectorVersion: 1)])
        #expect(try await store.videoFrames(collection: "old") == [VideoFrames(videoID: 1, frames: [frame], regionFrames: [region], shots: [
            ShotRegion(startTime: 0, region: NormalizedRect(x: 0.25, y: 0.125, width: 0.5, height: 0.625)),
        ])])
    }

    @Test func aVersion1DatabaseOpensMigratesAndKeepsItsData() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let path = folder.path + "/v1.sqlite"
        // A database as Keyprint's first schema left it, with one done file and its frames.
        let frame = Self.frame(3)
        try SQLiteCaseStore.makeDatabase(path: path, migratedUpTo: "v1-initial", statements: [
            .init("""
                INSERT INTO files (id, collection, root, relative_path, state, frame_count, updated_at)
                VALUES (1, 'old', '/e', 'x.mp4', 'done', 1, '2026-01-01 00:00:00.000');
                """),
            .init("INSERT INTO frames (file_id, frame_index, timestamp_s, quality, hash, mirror_hash) VALUES (1, 3, 3.0, 80, ?, ?)",
                  blobs: [Data(frame.hash.bytes), Data(frame.mirrorHash.bytes)]),
        ])

        let store = try SQLiteCaseStore(path: path, create: false)
        #expect(try await store.appliedMigrations() == ["v1-initial", "v2-regions", "v3-matches", "v4-shot-regions", "v5-derived-links", "v6-picture-frames", "v7-file-warnings", "v8-failure-retry", "v9-match-reuse", "v10-imported-hashes", "v11-hash-sets", "v12-ignore-lists", "v13-dihedral-hashes"])
        #expect(try await store.frames(fileID: 1).map(\.frameHash) == [frame])
        #expect(try await store.regions(fileID: 1).isEmpty)
        #expect(try await store.videoFrames(collection: "old") == [VideoFrames(videoID: 1, frames: [frame])])
        #expect(try await store.matchRuns().isEmpty)
        // Old scan settings JSON (no `regions` key) still decodes, with regions on.
        #expect(ScanSettings(json: #"{"jobs":2,"sampling":"every:1.0","timeBudget":600}"#)?.regions == true)
    }
}

extension RegionAndMatchStoreTests {
    @Test(arguments: [MatchSettings.CandidateSearch.automatic, .exhaustive, .seeded])
    func aMatchRunRecordsTheCandidateSearchItUsed(search: MatchSettings.CandidateSearch) async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let (store, scanID, ids) = try await Self.storeWithFiles(folder, count: 2)
        for id in ids {
            try await store.commit(FileOutcome(fileID: id, state: .done, size: 1, mtimeNanoseconds: 1,
                                               frames: (0..<10).map { Self.frame($0) }), scanID: scanID)
        }
        var settings = MatchSettings()
        settings.candidateSearch = search
        let summary = try await MatchRunner(store: store).run(MatchRequest(queryCollection: nil, referenceCollection: nil,
                                                                           settings: settings, jobs: 1, commandLine: "k"))
        // Automatic on two small files is exhaustive.
        let used = search == .seeded ? "seeded" : "exhaustive"
        #expect(summary.search.rawValue == used)
        #expect(try await store.matchRuns().first?.settings.candidateSearch == used)
        // The two identical files link either way.
        #expect(summary.linkedPairs == 1)
        // Runs recorded before the field existed decode without it.
        #expect(MatchRunSettings(json: #"{"maxDocumentFrequency":3,"matchWholeFramesOfRegionVideos":false,"minDuration":3,"minQuality":50,"thresholdBits":31}"#)?.candidateSearch == nil)
    }
}
