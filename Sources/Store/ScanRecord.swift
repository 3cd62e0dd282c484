import Foundation
import KeyprintModel

/// How a scan run ended.
public enum ScanOutcome: String, Sendable, Codable {
    /// Every video of the collection is done.
    case completed
    /// The run finished but some files failed.
    case completedWithFailures = "completed-with-failures"
    /// Stopped by Ctrl-C or SIGTERM; `keyprint resume` continues it.
    case interrupted
}

/// One run of `keyprint scan` or `keyprint resume`. A run with no outcome either is still
/// going or was killed; both count as unfinished.
public struct ScanRecord: Sendable, Equatable {
    public var id: Int64
    public var root: String
    public var collection: String
    public var settings: ScanSettings
    public var commandLine: String
    public var startedAt: Date
    public var endedAt: Date?
    public var outcome: ScanOutcome?
    /// Counters of this run: files found by the walk, files decoded and hashed, files left as
    /// they were because nothing changed, and files that failed or were skipped in this run.
    public var filesSeen: Int
    public var filesProcessed: Int
    public var filesUnchanged: Int
    public var filesFailed: Int
    public var filesSkipped: Int

    public init(id: Int64, root: String, collection: String, settings: ScanSettings, commandLine: String, startedAt: Date,
                endedAt: Date?, outcome: ScanOutcome?, filesSeen: Int, filesProcessed: Int, filesUnchanged: Int, filesFailed: Int,
                filesSkipped: Int) {
        self.id = id; self.root = root; self.collection = collection; self.settings = settings; self.commandLine = commandLine
        self.startedAt = startedAt; self.endedAt = endedAt; self.outcome = outcome; self.filesSeen = filesSeen
        self.filesProcessed = filesProcessed; self.filesUnchanged = filesUnchanged; self.filesFailed = filesFailed
        self.filesSkipped = filesSkipped
    }

    public var isFinished: Bool { outcome == .completed || outcome == .completedWithFailures }
}
