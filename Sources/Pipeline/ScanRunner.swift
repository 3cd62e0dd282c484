import Foundation
import KeyprintModel
import KeyprintDecode
import KeyprintHash
import KeyprintIndex
import KeyprintMatch
import KeyprintStore
import KeyprintExport

/// What to scan and how.
public struct ScanRequest: Sendable {
    /// The evidence folder, absolute and resolved (`EvidencePaths.resolveFolder`).
    public var root: String
    public var collection: String
    public var settings: ScanSettings
    public var commandLine: String
    /// This scanner's name among several on a store that offers `SharedScanStore` (nil: the
    /// store's exclusive path). Not recorded in the settings: it does not change the result.
    public var workerID: String?
    /// How long a claimed file stays leased without a heartbeat (a third of it between beats).
    public var leaseSeconds: Double

    public init(root: String, collection: String, settings: ScanSettings, commandLine: String, workerID: String? = nil,
                leaseSeconds: Double = ScanRequest.defaultLeaseSeconds) {
        self.root = root; self.collection = collection; self.settings = settings; self.commandLine = commandLine
        self.workerID = workerID; self.leaseSeconds = leaseSeconds
    }

    public static let defaultLeaseSeconds: Double = 60
}

/// How a finished run left its collection.
public struct ScanSummary: Sendable {
    public var scan: ScanRecord
    public var counts: [FileState: Int]
    public var failedFiles: [StoredFile]

    /// True when no file of the collection failed and none is left to do.
    public var allVideosDone: Bool { (counts[.failed] ?? 0) == 0 && (counts[.pending] ?? 0) == 0 && (counts[.running] ?? 0) == 0 }
}

/// Thrown when a scan stopped on cancellation (Ctrl-C, SIGTERM). Everything committed stays;
/// files in flight went back to `pending`.
public struct ScanInterrupted: Error, Sendable {
    public var scan: ScanRecord
}

/// Walks an evidence folder, decides which files need work, processes them in a bounded
/// task group (`settings.jobs` at a time) and commits each file's outcome in its own
/// transaction. A failing or slow file never stops the batch. Cancelling the calling task
/// stops cleanly: in-flight files are abandoned without committing anything partial.
public struct ScanRunner: Sendable {
    public let store: any CaseStore
    /// Seconds between progress reports while files are in flight (one is also made whenever a
    /// file finishes).
    public var progressInterval: Double = 0.5

    public init(store: any CaseStore) { self.store = store }

    /// Seconds on a monotonic clock, for progress.
    public static func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

    /// How close (in seconds) a file's modification time may come to the time it was hashed
    /// before its unchanged size and time are no longer trusted: a write within the same
    /// clock tick as the hash would not move the time. Such files are hashed again and
    /// compared by SHA-256/SHA-1/MD5.
    public static let doubtWindow: Double = 2

    public func run(_ request: ScanRequest, progress: @escaping @Sendable (ScanProgress) -> Void = { _ in }) async throws -> ScanSummary {
        // Imported items are not evidence: a scan beside them would mix the two in one collection.
        if try await store.files(collection: request.collection).contains(where: { $0.importedFrom != nil }) {
            throw KnownMaterialError.collectionHoldsImportedItems(request.collection)
        }
        if let shared = store as? any SharedScanStore, let worker = request.workerID {
            return try await runShared(request, store: shared, worker: worker, progress: progress)
        }
        let settings = request.settings
        var scan = try await store.beginScan(root: request.root, collection: request.collection, settings: settings,
                                       commandLine: request.commandLine, versions: "Keyprint \(KeyprintVersion.string); \(FFmpegVersions.summary)")
        try await store.recoverRunning(collection: request.collection, scanID: scan.id)

        let entries = EvidenceWalker(root: request.root).entries()
        scan.filesSeen = entries.count
        var known: [String: StoredFile] = [:]
        for file in try await store.files(collection: request.collection) { known[file.relativePath] = file }

        var jobs: [FileProcessor.Job] = []
        var toQueue: [WalkEntry] = []
        var bytesToDo: Int64 = 0
        for entry in entries {
            let previous = known.removeValue(forKey: entry.relativePath)
            switch entry.kind {
            case .regularFile:
                if let previous, let verify = decideUnchanged(previous, stamp: entry.stamp, settings: settings) {
                    if let digests = verify {
                        jobs.append(FileProcessor.Job(fileID: previous.id, relativePath: entry.relativePath, stamp: entry.stamp, verifyAgainst: digests))
                        bytesToDo += entry.stamp.size
                    } else {
                        scan.filesUnchanged += 1
                    }
                    continue
                }
                toQueue.append(entry)
                bytesToDo += entry.stamp.size
            case .skipped(let reason), .unreadableFolder(let reason):
                let state: FileState
                if case .unreadableFolder = entry.kind { state = .failed } else { state = .skipped }
                if let previous, previous.state == state, previous.error == reason, previous.size == entry.stamp.size,
                   previous.mtimeNanoseconds == entry.stamp.mtimeNanoseconds {
                    scan.filesUnchanged += 1
                    continue
                }
                let id = try await store.markPending(collection: request.collection, root: request.root, relativePath: entry.relativePath,
                                               stamp: entry.stamp, scanID: scan.id)
                try await store.commit(FileOutcome(fileID: id, state: state, error: reason, size: entry.stamp.size,
                                             mtimeNanoseconds: entry.stamp.mtimeNanoseconds), scanID: scan.id)
                if state == .failed { scan.filesFailed += 1 } else { scan.filesSkipped += 1 }
            }
        }
        let queuedIDs = try await store.markPending(collection: request.collection, root: request.root,
                                              files: toQueue.map { ($0.relativePath, $0.stamp) }, scanID: scan.id)
        for (entry, id) in zip(toQueue, queuedIDs) {
            jobs.append(FileProcessor.Job(fileID: id, relativePath: entry.relativePath, stamp: entry.stamp, verifyAgainst: nil))
        }
        // Process in walk order, whatever the kind of job.
        jobs.sort { Array($0.relativePath.utf8).lexicographicallyPrecedes(Array($1.relativePath.utf8)) }
        // Files still waiting from an earlier run that the walk no longer finds.
        for (_, missing) in known where missing.state == .pending || missing.state == .running {
            try await store.commit(FileOutcome(fileID: missing.id, state: .failed, error: "no longer in the evidence folder when scanned again",
                                         size: missing.size, mtimeNanoseconds: missing.mtimeNanoseconds), scanID: scan.id)
            scan.filesFailed += 1
        }

        var start = ScanProgress(totalFiles: jobs.count, totalBytes: bytesToDo, startTime: Self.now())
        start.unchanged = scan.filesUnchanged
        let tracker = ScanProgressTracker(start, interval: progressInterval, report: progress)
        tracker.reportNow()

        let processor = FileProcessor(root: request.root, settings: settings)
        let width = max(1, settings.jobs)
        var queue = jobs.makeIterator()
        var stamps: [Int64: FileStamp] = [:]
        for job in jobs { stamps[job.fileID] = job.stamp }

        // The first store failure stops the batch: without a working database nothing can be
        // recorded, and every file not committed stays pending for a later run.
        var storeFailure: (any Error)? = nil
        await withTaskGroup(of: FileProcessor.Result.self) { group in
            func startNext() async {
                guard storeFailure == nil, !Task.isCancelled, let job = queue.next() else { return }
                if job.verifyAgainst == nil {
                    do { try await store.markRunning(fileID: job.fileID) } catch {
                        storeFailure = error
                        group.cancelAll()
                        return
                    }
                }
                let watched = tracker.begin(fileID: job.fileID, size: job.stamp.size)
                group.addTask { processor.process(job, progress: watched) }
            }
            for _ in 0..<width { await startNext() }
            while let result = await group.next() {
                do {
                    switch result {
                    case .outcome(let produced):
                        let (outcome, _) = try await Self.commitOrFail(produced) { try await store.commit($0, scanID: scan.id) }
                        scan.filesProcessed += 1
                        if outcome.state == .failed { scan.filesFailed += 1 }
                        if outcome.state == .skipped { scan.filesSkipped += 1 }
                        tracker.end(fileID: outcome.fileID) {
                            $0.record(state: outcome.state, bytes: outcome.size ?? 0, frames: outcome.frames.count)
                        }
                    case .unchanged(let id, let hashedAt):
                        try await store.markVerified(fileID: id, hashedAt: hashedAt)
                        scan.filesUnchanged += 1
                        let size = stamps[id]?.size ?? 0
                        tracker.end(fileID: id) {
                            $0.unchanged += 1
                            $0.totalFiles -= 1
                            $0.totalBytes -= size
                        }
                    case .abandoned(let id):
                        tracker.end(fileID: id) { _ in }
                    }
                } catch {
                    if storeFailure == nil { storeFailure = error }
                    group.cancelAll()
                }
                await startNext()
            }
        }
        if let storeFailure {
            scan.endedAt = Date()
            try? await store.finishScan(scan)
            throw storeFailure
        }

        if Task.isCancelled {
            try await store.recoverRunning(collection: request.collection, scanID: scan.id)
            scan.outcome = .interrupted
            scan.endedAt = Date()
            try await store.finishScan(scan)
            throw ScanInterrupted(scan: scan)
        }

        let summary = try await summarize(scan, collection: request.collection)
        scan.outcome = summary.allVideosDone ? .completed : .completedWithFailures
        scan.endedAt = Date()
        try await store.finishScan(scan)
        var final = summary
        final.scan = scan
        return final
    }

    /// The failed outcome recorded for a file whose own outcome the store refused.
    /// Commits `outcome`; when what this one file produced cannot be stored, the file fails
    /// instead and that is committed (the batch goes on; a database-wide failure still stops
    /// it). Returns the outcome committed, and what `commit` returned for it.
    @discardableResult
    static func commitOrFail<Result>(_ outcome: FileOutcome,
                                     _ commit: (FileOutcome) async throws -> Result) async throws -> (FileOutcome, Result) {
        do {
            return (outcome, try await commit(outcome))
        } catch let error as StoreError where error.concernsOneRecord {
            let failed = unstorable(outcome, error)
            return (failed, try await commit(failed))
        }
    }

    static func unstorable(_ outcome: FileOutcome, _ error: StoreError) -> FileOutcome {
        var failed = FileOutcome(fileID: outcome.fileID, state: .failed,
                                 error: "its hashes could not be stored in the case database: \(error.description)",
                                 size: outcome.size, mtimeNanoseconds: outcome.mtimeNanoseconds, digests: outcome.digests,
                                 hashedAt: outcome.hashedAt, hashingKey: outcome.hashingKey, processingSeconds: outcome.processingSeconds)
        failed.retry = .nextScan
        return failed
    }

    /// Continues the last unfinished run with the settings it recorded. Returns nil when
    /// there is nothing to resume.
    public func resume(commandLine: String, workerID: String? = nil, leaseSeconds: Double = ScanRequest.defaultLeaseSeconds,
                       progress: @escaping @Sendable (ScanProgress) -> Void = { _ in }) async throws -> ScanSummary? {
        guard let last = try await store.lastUnfinishedScan() else { return nil }
        let request = ScanRequest(root: last.root, collection: last.collection, settings: last.settings, commandLine: commandLine,
                                  workerID: workerID, leaseSeconds: leaseSeconds)
        return try await run(request, progress: progress)
    }

    /// nil: the file needs processing. `.some(nil)`: unchanged. `.some(digests)`: size and time
    /// are unchanged but too close to the hash time to be trusted; verify the content.
    func decideUnchanged(_ previous: StoredFile, stamp: FileStamp, settings: ScanSettings) -> CustodyDigests?? {
        guard previous.size == stamp.size, previous.mtimeNanoseconds == stamp.mtimeNanoseconds else { return nil }
        switch previous.state {
        case .pending, .running: return nil
        case .done: guard previous.hashingKey == settings.hashingKey else { return nil }
        case .failed: if previous.retry.retries(underBudget: settings.timeBudget) { return nil }
        case .skipped: break
        }
        guard let digests = previous.digests, let hashedAt = previous.hashedAt else {
            // Failed before it could be read: try it again only when it changes.
            return .some(nil)
        }
        let modified = Double(stamp.mtimeNanoseconds) / 1e9
        if modified >= hashedAt.timeIntervalSince1970 - Self.doubtWindow { return .some(digests) }
        return .some(nil)
    }

    func summarize(_ scan: ScanRecord, collection: String) async throws -> ScanSummary {
        var counts: [FileState: Int] = [:]
        for count in try await store.stateCounts() where count.collection == collection { counts[count.state] = count.count }
        let failed = try await store.files(collection: collection).filter { $0.state == .failed }
        return ScanSummary(scan: scan, counts: counts, failedFiles: failed)
    }
}
