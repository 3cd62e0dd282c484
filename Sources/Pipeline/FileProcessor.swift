import Foundation
import KeyprintModel
import KeyprintDecode
import KeyprintHash
import KeyprintIndex
import KeyprintMatch
import KeyprintStore
import KeyprintExport

/// Everything one file goes through, inside one task: custody hashes, recognition, decode and
/// PDQ hashing. FFmpeg objects are made and freed inside `process`; only the Sendable
/// `FileOutcome` comes out.
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

    public let root: String
    public let settings: ScanSettings

    public init(root: String, settings: ScanSettings) {
        self.root = root
        self.settings = settings
    }

    public func process(_ job: Job) -> Result {
        let started = DispatchTime.now().uptimeNanoseconds
        func elapsed() -> Double { Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9 }
        let path = root + "/" + job.relativePath
        let hashedAt = Date()
        let custody: CustodyHasher.Result
        do {
            custody = try CustodyHasher.hash(path: path, shouldStop: { Task.isCancelled })
        } catch is CancellationError {
            return .abandoned(fileID: job.fileID)
        } catch {
            var unreadable = FileOutcome(fileID: job.fileID, state: .failed, error: "\(error)", size: job.stamp.size,
                                         mtimeNanoseconds: job.stamp.mtimeNanoseconds, processingSeconds: elapsed())
            // A read error may be the medium's, not the file's: try again next time.
            unreadable.retry = .nextScan
            return .outcome(unreadable)
        }
        if let expected = job.verifyAgainst, expected == custody.digests { return .unchanged(fileID: job.fileID, hashedAt: hashedAt) }

        var outcome = FileOutcome(fileID: job.fileID, state: .done, size: custody.size, mtimeNanoseconds: job.stamp.mtimeNanoseconds,
                                  digests: custody.digests, hashedAt: hashedAt, hashingKey: settings.hashingKey)
        let signature = FileSignature(head: custody.head, size: custody.size, name: job.relativePath)
        guard signature.worthProbing else {
            let verdict = MediaProbe.verdict(withoutDecoding: signature)
            outcome.state = verdict.state
            outcome.error = verdict.reason
            outcome.processingSeconds = elapsed()
            return .outcome(outcome)
        }
        do {
            let result = try VideoHasher.hashWithRegions(path: path, options: settings.decodeOptions, regions: settings.regions) { _ in
                if Task.isCancelled { throw CancellationError() }
            }
            outcome.media = StoredMediaFacts(result.info)
            outcome.decodedFrames = result.decodedFrames
            outcome.frames = result.frames
            outcome.shots = result.shots
            outcome.regionFrames = result.regionFrames
            outcome.pictureFrames = result.pictureFrames
            outcome.regionDetector = RegionHashing.detectorName
            outcome.regionDetectorVersion = RegionHashing.detectorVersion
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
        if Task.isCancelled { return .abandoned(fileID: job.fileID) }
        outcome.processingSeconds = elapsed()
        return .outcome(outcome)
    }
}
