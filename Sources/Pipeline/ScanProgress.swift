import KeyprintModel
import KeyprintMatch
import KeyprintStore
import KeyprintExport

/// Counts and rates of a running scan: a pure value the executable renders. Times are
/// seconds on any monotonic clock, passed in, so the arithmetic is testable.
public struct ScanProgress: Sendable, Equatable {
    /// Files and bytes this run has to process (new, changed or left pending).
    public var totalFiles: Int
    public var totalBytes: Int64
    public var filesDone = 0
    public var bytesDone: Int64 = 0
    public var frames = 0
    public var failed = 0
    public var skipped = 0
    /// Files found unchanged and not processed again.
    public var unchanged = 0
    public var startTime: Double

    public init(totalFiles: Int, totalBytes: Int64, startTime: Double) {
        self.totalFiles = totalFiles
        self.totalBytes = totalBytes
        self.startTime = startTime
    }

    public mutating func record(state: FileState, bytes: Int64, frames: Int) {
        filesDone += 1
        bytesDone += bytes
        self.frames += frames
        if state == .failed { failed += 1 }
        if state == .skipped { skipped += 1 }
    }

    /// Bytes per second since the start; nil before any time has passed.
    public func bytesPerSecond(at now: Double) -> Double? {
        let elapsed = now - startTime
        guard elapsed > 0 else { return nil }
        return Double(bytesDone) / elapsed
    }

    /// Seconds left, from the share of work done so far (bytes when there are any, else
    /// files); nil until something is done.
    public func secondsRemaining(at now: Double) -> Double? {
        let elapsed = now - startTime
        let share = fractionDone
        guard elapsed > 0, share > 0 else { return nil }
        if share >= 1 { return 0 }
        return elapsed * (1 - share) / share
    }

    /// 0…1, by bytes when the work has bytes, else by files.
    public var fractionDone: Double {
        if totalBytes > 0 { return min(1, Double(bytesDone) / Double(totalBytes)) }
        if totalFiles > 0 { return min(1, Double(filesDone) / Double(totalFiles)) }
        return 1
    }

    public var isComplete: Bool { filesDone >= totalFiles }
}
