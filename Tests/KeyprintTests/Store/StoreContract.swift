import Foundation
@testable import KeyprintModel
@testable import KeyprintStore

/// Every promise of the `CaseStore` protocol as a check that can run against any backend. A
/// check returns what it found broken (empty: the promise holds), so that the same checks can
/// be shown to fail on a store that breaks them (`StoreContractTests`).
struct StoreContract {
    struct Check: Sendable, CustomStringConvertible {
        let name: String
        let run: @Sendable (any CaseStore) async throws -> [String]
        var description: String { name }
    }

    static func frame(_ i: Int, salt: UInt64 = 0) -> FrameHash {
        let h = PDQHash(w0: UInt64(i) ^ salt, w1: 0xC0FF_EE00 ^ salt, w2: UInt64(i) << 32, w3: ~UInt64(i))
        return FrameHash(index: i, timestamp: Double(i), quality: 80 + i % 20, hash: h, mirrorHash: PDQHash(w0: ~h.w0, w1: h.w2))
    }

    static let settings = ScanSettings(sampling: .defaultInterval, timeBudget: 60, jobs: 1)

    /// A scan of collection `c` with pending files `f0.mp4` … .
    static func scanWithFiles(_ store: any CaseStore, count: Int, collection: String = "c") async throws -> (scanID: Int64, ids: [Int64]) {
        let scan = try await store.beginScan(root: "/evidence", collection: collection, settings: settings, commandLine: "keyprint scan",
                                             versions: "test")
        let ids = try await store.markPending(collection: collection, root: "/evidence",
                                              files: (0..<count).map { ("f\($0).mp4", FileStamp(size: 100, mtimeNanoseconds: 5)) },
                                              scanID: scan.id)
        return (scan.id, ids)
    }

    static func done(_ id: Int64, frames: [FrameHash]) -> FileOutcome {
        FileOutcome(fileID: id, state: .done, size: 100, mtimeNanoseconds: 5,
                    digests: CustodyDigests(md5: "m", sha1: "s1", sha256: "s256"), hashedAt: Date(), hashingKey: settings.hashingKey,
                    frames: frames)
    }

    static let checks: [Check] = [
        Check(name: "commit stores the file's row and frames together") { store in
            let (scanID, ids) = try await scanWithFiles(store, count: 1)
            try await store.commit(done(ids[0], frames: (0..<5).map { frame($0) }), scanID: scanID)
            var problems: [String] = []
            let file = try await store.file(id: ids[0])
            if file?.state != .done { problems.append("state \(String(describing: file?.state)) after a done commit") }
            if file?.frameCount != 5 { problems.append("frame_count \(String(describing: file?.frameCount))") }
            if try await store.frames(fileID: ids[0]).map(\.frameHash) != (0..<5).map({ frame($0) }) { problems.append("frames differ") }
            return problems
        },
        Check(name: "a failing commit changes nothing (one transaction)") { store in
            let (scanID, ids) = try await scanWithFiles(store, count: 1)
            // Two frames with one index: the frames cannot all be stored, so nothing may be.
            var bad = done(ids[0], frames: [frame(1), frame(1, salt: 7)])
            bad.error = nil
            do {
                try await store.commit(bad, scanID: scanID)
                return ["a commit of two frames with the same index succeeded"]
            } catch {
                var problems: [String] = []
                if !(error is StoreError) { problems.append("the error is \(type(of: error)), not StoreError") }
                let file = try await store.file(id: ids[0])
                if file?.state != .pending { problems.append("state \(String(describing: file?.state)) after a failed commit") }
                if try await !store.frames(fileID: ids[0]).isEmpty { problems.append("frames of a failed commit were kept") }
                return problems
            }
        },
        Check(name: "commit replaces a file's earlier frames") { store in
            let (scanID, ids) = try await scanWithFiles(store, count: 1)
            try await store.commit(done(ids[0], frames: (0..<5).map { frame($0) }), scanID: scanID)
            try await store.commit(done(ids[0], frames: (0..<3).map { frame($0, salt: 9) }), scanID: scanID)
            let frames = try await store.frames(fileID: ids[0]).map(\.frameHash)
            return frames == (0..<3).map({ frame($0, salt: 9) }) ? [] : ["after two commits the file has \(frames.count) frames"]
        },
        Check(name: "markPending is idempotent") { store in
            let (scanID, ids) = try await scanWithFiles(store, count: 2)
            try await store.commit(done(ids[0], frames: [frame(0)]), scanID: scanID)
            let again = try await store.markPending(collection: "c", root: "/evidence",
                                                    files: [("f0.mp4", nil), ("f1.mp4", nil), ("f0.mp4", nil)], scanID: scanID)
            var problems: [String] = []
            if again != [ids[0], ids[1], ids[0]] { problems.append("ids \(again), expected \([ids[0], ids[1], ids[0]])") }
            let files = try await store.files(collection: "c")
            if files.count != 2 { problems.append("\(files.count) rows for 2 paths") }
            if !files.allSatisfy({ $0.state == .pending }) { problems.append("states \(files.map(\.state)) after markPending") }
            return problems
        },
        Check(name: "recoverRunning sets back exactly the collection's running files") { store in
            let (scanID, ids) = try await scanWithFiles(store, count: 3)
            let other = try await scanWithFiles(store, count: 1, collection: "d")
            try await store.markRunning(fileID: ids[0])
            try await store.markRunning(fileID: ids[1])
            try await store.markRunning(fileID: other.ids[0])
            try await store.commit(done(ids[1], frames: [frame(0)]), scanID: scanID)
            let recovered = try await store.recoverRunning(collection: "c", scanID: scanID)
            var problems: [String] = []
            if recovered != 1 { problems.append("recovered \(recovered) files, expected 1") }
            let states = try await store.files(collection: "c").map(\.state)
            if states != [.pending, .done, .pending] { problems.append("collection c: \(states)") }
            if try await store.file(id: other.ids[0])?.state != .running { problems.append("a running file of another collection was touched") }
            return problems
        },
        Check(name: "saveMatchRun replaces the same comparison's earlier run and its segments") { store in
            let (_, ids) = try await scanWithFiles(store, count: 2)
            func segment(_ score: Double) -> MatchSegment {
                MatchSegment(queryVideoID: ids[0], referenceVideoID: ids[1], queryStart: 0, queryEnd: 10, referenceStart: 1, referenceEnd: 11,
                             slope: 1, matchedFrames: 10, meanDistance: 3, score: score, transform: .mirror)
            }
            let settings = MatchRunSettings(thresholdBits: 31, minDuration: 3, minQuality: 50, maxDocumentFrequency: 3,
                                            matchWholeFramesOfRegionVideos: false, deriveLinks: true)
            func run() -> MatchRun { MatchRun(queryCollection: nil, referenceCollection: nil, settings: settings, commandLine: "m", startedAt: Date()) }
            let first = try await store.saveMatchRun(run(), segments: [segment(1), segment(2)])
            let scoped = try await store.saveMatchRun(MatchRun(queryCollection: "c", referenceCollection: "c", settings: settings,
                                                               commandLine: "m", startedAt: Date()), segments: [segment(5)])
            let second = try await store.saveMatchRun(run(), segments: [segment(3)])
            var problems: [String] = []
            let runs = try await store.matchRuns()
            if runs.map(\.id) != [scoped.id, second.id] { problems.append("runs \(runs.map(\.id)), expected \([scoped.id, second.id])") }
            if try await !store.matchSegments(runID: first.id).isEmpty { problems.append("the replaced run's segments remain") }
            if try await store.matchSegments(runID: second.id) != [segment(3)] { problems.append("the new run's segments differ") }
            if try await store.matchSegments(runID: scoped.id) != [segment(5)] { problems.append("another comparison's segments changed") }
            return problems
        },
        Check(name: "the audit trail reads back in the order it was written") { store in
            let (scanID, ids) = try await scanWithFiles(store, count: 2)
            try await store.commit(done(ids[1], frames: [frame(0)]), scanID: scanID)
            try await store.commit(FileOutcome(fileID: ids[0], state: .failed, error: "broken", size: 1, mtimeNanoseconds: 1), scanID: scanID)
            var scan = try await store.scan(id: scanID)!
            scan.outcome = .completedWithFailures
            scan.endedAt = Date()
            try await store.finishScan(scan)
            let events = try await store.audit(scanID: scanID)
            var problems: [String] = []
            let expected = [AuditEvent.scanStarted, AuditEvent.fileDone, AuditEvent.fileFailed, AuditEvent.scanEnded]
            if events.map(\.event) != expected { problems.append("events \(events.map(\.event)), expected \(expected)") }
            if events.map(\.id) != events.map(\.id).sorted() { problems.append("audit ids out of order") }
            if events.dropFirst().map(\.fileID).prefix(2) != [ids[1], ids[0]] { problems.append("file ids \(events.map(\.fileID))") }
            return problems
        },
        Check(name: "a scan is unfinished until finishScan records its outcome") { store in
            let (scanID, _) = try await scanWithFiles(store, count: 1)
            var problems: [String] = []
            if try await store.lastUnfinishedScan()?.id != scanID { problems.append("a running scan is not the last unfinished one") }
            var scan = try await store.scan(id: scanID)!
            scan.outcome = .completed
            scan.endedAt = Date()
            try await store.finishScan(scan)
            if try await store.lastUnfinishedScan() != nil { problems.append("a completed scan is still unfinished") }
            if try await store.scans().last?.outcome != .completed { problems.append("the outcome was not recorded") }
            return problems
        },
        Check(name: "a store call completes when its caller is cancelled") { store in
            let (scanID, ids) = try await scanWithFiles(store, count: 1)
            let task = Task {
                withUnsafeCurrentTask { $0?.cancel() }
                try await store.commit(done(ids[0], frames: [frame(0)]), scanID: scanID)
            }
            do { try await task.value } catch { return ["a commit from a cancelled task failed: \(error)"] }
            return try await store.file(id: ids[0])?.state == .done ? [] : ["the cancelled caller's commit is missing"]
        },
        Check(name: "the scan lock admits one holder at a time") { store in
            var problems: [String] = []
            let lease = try await store.acquireScanLock()
            do {
                _ = try await store.acquireScanLock()
                problems.append("a second lease was granted while the first was held")
            } catch let error as StoreError {
                if case .locked = error {} else { problems.append("the second lease failed with \(error), not .locked") }
            }
            lease.release()
            do { try await store.acquireScanLock().release() } catch { problems.append("no lease after release: \(error)") }
            return problems
        },
        Check(name: "hashes (turned ones too), regions and shots round-trip through storedHashes") { store in
            let (scanID, ids) = try await scanWithFiles(store, count: 1)
            let rect = NormalizedRect(x: 0.25, y: 0.125, width: 0.5, height: 0.5)
            /// Six turned hashes, distinct per frame and table (`dihedral_frames`).
            func turned(_ i: Int, salt: UInt64) -> DihedralHashes {
                DihedralHashes(hashes: (1...6).map { frame(i * 10 + $0, salt: salt).hash })
            }
            var outcome = done(ids[0], frames: (0..<4).map { frame($0) })
            outcome.frames[1].dihedral = turned(1, salt: 5)
            outcome.frames[3].dihedral = turned(3, salt: 5)
            outcome.shots = [ShotRegion(startTime: 0, region: nil), ShotRegion(startTime: 2, region: rect)]
            outcome.regionFrames = (0..<4).map { frame($0, salt: 3) }
            outcome.regionFrames[3].dihedral = turned(3, salt: 6)
            outcome.pictureFrames = [frame(2, salt: 4)]
            outcome.pictureFrames[0].dihedral = turned(2, salt: 7)
            outcome.regionDetector = "detector"
            outcome.regionDetectorVersion = 7
            try await store.commit(outcome, scanID: scanID)
            guard let stored = try await store.storedHashes(collection: "c").first else { return ["no stored hashes"] }
            var problems: [String] = []
            // FrameHash equality includes the turned hashes: a frame with them, one without.
            if stored.frames != outcome.frames { problems.append("frames differ (turned: \(stored.frames.map { $0.dihedral != nil }))") }
            if stored.regionFrames != outcome.regionFrames { problems.append("region frames differ (turned: \(stored.regionFrames.map { $0.dihedral != nil }))") }
            if stored.pictureFrames != outcome.pictureFrames { problems.append("picture frames differ") }
            if stored.shots != outcome.shots { problems.append("shots \(stored.shots)") }
            let regions = try await store.regions(fileID: ids[0])
            if regions.map(\.detector) != ["detector", "detector"] || regions.map(\.detectorVersion) != [7, 7] { problems.append("detector \(regions)") }
            return problems
        },
    ]
}
