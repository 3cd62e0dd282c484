import Foundation
import KeyprintModel
import KeyprintDecode
import KeyprintStore

/// A scan as one of several workers on a `SharedScanStore`: the walk queues what changed
/// (never a row another worker holds or changed meanwhile), then files are claimed one at a
/// time under a lease that a heartbeat extends, and each outcome commits only while this
/// worker still holds its lease. When nothing is left to claim but other workers hold live
/// leases, this worker waits: a lease that expires (its worker died) is taken over.
extension ScanRunner {
    func runShared(_ request: ScanRequest, store: any SharedScanStore, worker: String,
                   progress: @escaping @Sendable (ScanProgress) -> Void) async throws -> ScanSummary {
        let settings = request.settings
        let lease = max(0.5, request.leaseSeconds)
        var scan = try await store.beginScan(root: request.root, collection: request.collection, settings: settings,
                                             commandLine: request.commandLine, versions: "Keyprint \(KeyprintVersion.string); \(FFmpegVersions.summary)")
        try await store.registerWorker(worker, scanID: scan.id)

        let entries = EvidenceWalker(root: request.root).entries()
        scan.filesSeen = entries.count
        var known: [String: (file: StoredFile, version: String)] = [:]
        for row in try await store.filesWithVersions(collection: request.collection) { known[row.file.relativePath] = row }

        var toQueue: [WalkedFile] = []
        var fixed: [(walked: WalkedFile, state: FileState, reason: String)] = []
        for entry in entries {
            let previous = known.removeValue(forKey: entry.relativePath)
            switch entry.kind {
            case .regularFile:
                // A file whose content is in doubt is processed again (not only verified): only
                // a claimed file may commit, and a done file cannot be claimed.
                if let previous, let verify = decideUnchanged(previous.file, stamp: entry.stamp, settings: settings), verify == nil {
                    scan.filesUnchanged += 1
                    continue
                }
                toQueue.append(WalkedFile(relativePath: entry.relativePath, stamp: entry.stamp, seenVersion: previous?.version))
            case .skipped(let reason), .unreadableFolder(let reason):
                let state: FileState
                if case .unreadableFolder = entry.kind { state = .failed } else { state = .skipped }
                if let previous = previous?.file, previous.state == state, previous.error == reason, previous.size == entry.stamp.size,
                   previous.mtimeNanoseconds == entry.stamp.mtimeNanoseconds {
                    scan.filesUnchanged += 1
                    continue
                }
                fixed.append((WalkedFile(relativePath: entry.relativePath, stamp: entry.stamp, seenVersion: previous?.version), state, reason))
            }
        }
        // Not videos (or unreadable folders): queued, claimed and committed at once.
        let fixedIDs = try await store.markPendingShared(collection: request.collection, root: request.root, files: fixed.map(\.walked), scanID: scan.id)
        for (item, id) in zip(fixed, fixedIDs) {
            guard let id, try await store.claim(fileID: id, worker: worker, leaseSeconds: lease) else { continue }
            let stamp = item.walked.stamp
            if try await store.commit(FileOutcome(fileID: id, state: item.state, error: item.reason, size: stamp?.size,
                                                  mtimeNanoseconds: stamp?.mtimeNanoseconds), scanID: scan.id, worker: worker) {
                if item.state == .failed { scan.filesFailed += 1 } else { scan.filesSkipped += 1 }
            }
        }
        _ = try await store.markPendingShared(collection: request.collection, root: request.root, files: toQueue, scanID: scan.id)
        // Files still waiting from an earlier run that the walk no longer finds.
        for (_, missing) in known where missing.file.state == .pending || missing.file.state == .running {
            let file = missing.file
            guard try await store.claim(fileID: file.id, worker: worker, leaseSeconds: lease) else { continue }
            if try await store.commit(FileOutcome(fileID: file.id, state: .failed, error: "no longer in the evidence folder when scanned again",
                                                  size: file.size, mtimeNanoseconds: file.mtimeNanoseconds), scanID: scan.id, worker: worker) {
                scan.filesFailed += 1
            }
        }

        var start = ScanProgress(totalFiles: 0, totalBytes: 0, startTime: Self.now())
        start.unchanged = scan.filesUnchanged
        let tracker = ScanProgressTracker(start, interval: progressInterval, report: progress)
        tracker.reportNow()

        // The heartbeat: a third of the lease between beats. A beat that fails is not fatal:
        // the guarded commit is what keeps a file from committing twice.
        let beat = Task {
            while !Task.isCancelled {
                try? await Task.sleep(nanoseconds: UInt64(lease / 3 * 1e9))
                if Task.isCancelled { break }
                try? await store.heartbeat(worker: worker, leaseSeconds: lease)
            }
        }
        defer { beat.cancel() }

        let processor = FileProcessor(root: request.root, settings: settings)
        let width = max(1, settings.jobs)
        var storeFailure: (any Error)? = nil
        var exhausted = false
        while storeFailure == nil, !Task.isCancelled {
            exhausted = false
            await withTaskGroup(of: FileProcessor.Result.self) { group in
                func startNext() async {
                    guard storeFailure == nil, !Task.isCancelled, !exhausted else { return }
                    let claimed: ClaimedFile?
                    do { claimed = try await store.claimNext(collection: request.collection, worker: worker, leaseSeconds: lease) } catch {
                        storeFailure = error
                        group.cancelAll()
                        return
                    }
                    guard let claimed else { exhausted = true; return }
                    let job = FileProcessor.Job(fileID: claimed.fileID, relativePath: claimed.relativePath, stamp: claimed.stamp, verifyAgainst: nil)
                    tracker.end(fileID: -1) {
                        $0.totalFiles += 1
                        $0.totalBytes += claimed.stamp.size
                    }
                    let watched = tracker.begin(fileID: job.fileID, size: job.stamp.size)
                    group.addTask { processor.process(job, progress: watched) }
                }
                for _ in 0..<width { await startNext() }
                while let result = await group.next() {
                    do {
                        switch result {
                        case .outcome(let produced):
                            let (done, committed) = try await Self.commitOrFail(produced) {
                                try await store.commit($0, scanID: scan.id, worker: worker)
                            }
                            if committed {
                                scan.filesProcessed += 1
                                if done.state == .failed { scan.filesFailed += 1 }
                                if done.state == .skipped { scan.filesSkipped += 1 }
                                tracker.end(fileID: done.fileID) { $0.record(state: done.state, bytes: done.size ?? 0, frames: done.frames.count) }
                            } else {
                                // The lease was lost (this worker stalled past it): another worker has the file.
                                tracker.end(fileID: done.fileID) { $0.totalFiles -= 1; $0.totalBytes -= done.size ?? 0 }
                            }
                        case .unchanged(let id, _), .abandoned(let id):
                            tracker.end(fileID: id) { _ in }
                        }
                    } catch {
                        if storeFailure == nil { storeFailure = error }
                        group.cancelAll()
                    }
                    await startNext()
                }
            }
            if storeFailure != nil || Task.isCancelled { break }
            // Nothing left to claim: done unless another worker holds a live lease (it may die).
            let others: Int
            do { others = try await store.liveLeases(collection: request.collection, excluding: worker) } catch {
                storeFailure = error
                break
            }
            if others == 0 {
                // A lease that expired between the last claim and this count is claimable now.
                let claimable = try await store.stateCounts().contains {
                    $0.collection == request.collection && ($0.state == .pending || $0.state == .running) && $0.count > 0
                }
                if !claimable { break }
            }
            try? await Task.sleep(nanoseconds: UInt64(min(0.25, lease / 4) * 1e9))
        }
        beat.cancel()

        if let storeFailure {
            scan.endedAt = Date()
            try? await store.releaseLeases(worker: worker)
            try? await store.finishScan(scan)
            throw storeFailure
        }
        if Task.isCancelled {
            try await store.releaseLeases(worker: worker)
            scan.outcome = .interrupted
            scan.endedAt = Date()
            try await store.finishScan(scan)
            throw ScanInterrupted(scan: scan)
        }
        try await store.releaseLeases(worker: worker)
        let summary = try await summarize(scan, collection: request.collection)
        scan.outcome = summary.allVideosDone ? .completed : .completedWithFailures
        scan.endedAt = Date()
        try await store.finishScan(scan)
        var final = summary
        final.scan = scan
        return final
    }
}
