import Foundation
import KeyprintModel
import KeyprintDecode
import KeyprintHash
import KeyprintIndex
import KeyprintMatch
import KeyprintStore
import KeyprintExport

/// Everything one file goes through, inside one task: it is opened once (`EvidenceFile`), its
/// custody hashes are read from that descriptor, the same descriptor is decoded and PDQ-hashed,
/// and the file is checked again afterwards: a file that changed while it was scanned is
/// recorded as failed, never stored with frames of other bytes than its hashes describe. One
/// `Deadline`, made when processing starts, bounds every step. FFmpeg objects are made and
/// freed inside `process`; only the Sendable `FileOutcome` comes out.
public struct FileProcessor: Sendable {
    public struct Job: Sendable {
        public var fileID: Int64
        public var relativePath: String
        public var stamp: FileStamp
        /// Digests stored for a file whose size and time are unchanged but whose content is in
        /// doubt: when the new digests equal these, the file is left as it is.
        public var verifyAgainst: CustodyDigests?
    }

    public enum Result: Sendable {
        case outcome(FileOutcome)
        /// The content matched `verifyAgainst`: nothing to do.
        case unchanged(fileID: Int64, hashedAt: Date)
        /// Stopped by cancellation; nothing may be committed.
        case abandoned(fileID: Int64)
    }

    /// Called with the file's path at fixed points of `process`, for tests that change a file
    /// in the middle of its scan.
    struct Hooks: Sendable {
        /// After the custody hashes, before decoding.
        var afterHashing: (@Sendable (String) -> Void)?
        /// After decoding, before the file is checked for changes.
        var afterDecoding: (@Sendable (String) -> Void)?
    }

    public let root: String
    public let settings: ScanSettings
    var hooks = Hooks()

    public init(root: String, settings: ScanSettings) {
        self.root = root
        self.settings = settings
    }

    public func process(_ job: Job, progress: FileProgress = FileProgress()) -> Result {
        let deadline = Deadline(budget: settings.timeBudget)
        let started = DispatchTime.now().uptimeNanoseconds
        func elapsed() -> Double { Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9 }
        let path = root + "/" + job.relativePath
        let hashedAt = Date()
        func unreadable(_ reason: String, retry: FailureRetry = .nextScan) -> Result {
            var failed = FileOutcome(fileID: job.fileID, state: .failed, error: reason, size: job.stamp.size,
                                     mtimeNanoseconds: job.stamp.mtimeNanoseconds, processingSeconds: elapsed())
            // A read error may be the medium's, not the file's: try again next time; a file that
            // ran out of time, with a larger budget.
            failed.retry = retry
            return .outcome(failed)
        }

        let file: EvidenceFile
        let custody: CustodyHasher.Result
        do {
            file = try EvidenceFile(fileSystemPath: FileSystemPath(root: root, relative: job.relativePath), displayPath: path)
            custody = try CustodyHasher.hash(file: file, deadline: deadline, shouldStop: { Task.isCancelled },
                                             onChunk: { progress.hashed(bytes: $0) })
        } catch is CancellationError {
            return .abandoned(fileID: job.fileID)
        } catch let timeout as DeadlineExceeded {
            return unreadable("\(timeout)", retry: .budgetOver(timeout.seconds))
        } catch {
            return unreadable("\(error)")
        }
        hooks.afterHashing?(path)
        func changed() -> Result? {
            guard let change = Self.change(of: file, hashedBytes: custody.size) else { return nil }
            var failed = FileOutcome(fileID: job.fileID, state: .failed,
                                     error: "the file changed while it was scanned (\(change)); it will be retried on the next scan",
                                     size: nil, mtimeNanoseconds: nil, processingSeconds: elapsed())
            failed.retry = .nextScan
            return .outcome(failed)
        }
        if let expected = job.verifyAgainst, expected == custody.digests {
            return changed() ?? .unchanged(fileID: job.fileID, hashedAt: hashedAt)
        }

        var outcome = FileOutcome(fileID: job.fileID, state: .done, size: custody.size, mtimeNanoseconds: file.opened.mtimeNanoseconds,
                                  digests: custody.digests, hashedAt: hashedAt, hashingKey: settings.hashingKey)
        let signature = FileSignature(head: custody.head, size: custody.size, name: job.relativePath)
        guard signature.worthProbing else {
            let verdict = MediaProbe.verdict(withoutDecoding: signature)
            outcome.state = verdict.state
            outcome.error = verdict.reason
            outcome.processingSeconds = elapsed()
            return changed() ?? .outcome(outcome)
        }
        do {
            // Exactly the bytes that were hashed, from the descriptor they were hashed from.
            let result = try VideoHasher.hashWithRegions(file: file, length: custody.size, options: settings.decodeOptions,
                                                         deadline: deadline, regions: settings.regions,
                                                         onOpen: { progress.opened(duration: $0.duration) }) { frame in
                if Task.isCancelled { throw CancellationError() }
                progress.hashedFrame(at: frame.timestamp)
            }
            outcome.media = StoredMediaFacts(result.info)
            outcome.decodedFrames = result.decodedFrames
            outcome.frames = result.frames
            outcome.shots = result.shots
            outcome.regionFrames = result.regionFrames
            outcome.pictureFrames = result.pictureFrames
            outcome.regionDetector = RegionHashing.detectorName
            outcome.regionDetectorVersion = RegionHashing.detectorVersion
            outcome.warnings = result.warnings
            if result.frames.isEmpty {
                // Frames decoded, but none became a sample (damaged timestamps before the stream's
                // start, no key frame…): a done file without hashes would match nothing unseen.
                outcome.state = .failed
                outcome.error = "\(result.decodedFrames) frame(s) decoded but none could be sampled "
                    + "(their timestamps lie before the stream's start, or none is a key frame); nothing to fingerprint"
            }
        } catch is CancellationError {
            return .abandoned(fileID: job.fileID)
        } catch let error as DecodeError {
            let verdict = MediaProbe.verdict(for: error, signature: signature)
            outcome.state = verdict.state
            outcome.error = verdict.reason
            outcome.retry = verdict.retry
        } catch {
            outcome.state = .failed
            outcome.error = "\(error)"
        }
        hooks.afterDecoding?(path)
        if Task.isCancelled { return .abandoned(fileID: job.fileID) }
        if let changed = changed() { return changed }
        outcome.processingSeconds = elapsed()
        return .outcome(outcome)
    }

    /// How `file` differs now from when it was opened, or nil when it does not: the bytes
    /// hashed, the descriptor (`fstat`: size, modification time) and what the path names
    /// (`lstat`: a rename over the path shows as another inode).
    static func change(of file: EvidenceFile, hashedBytes: Int64) -> String? {
        let opened = file.opened
        if hashedBytes != opened.size { return "size \(opened.size) → \(hashedBytes) bytes read" }
        guard let now = try? file.current() else { return "it could no longer be examined (fstat)" }
        if let change = opened.change(to: now) { return change }
        guard let named = file.atPath() else { return "its path was removed or renamed" }
        return opened.change(to: named)
    }
}
