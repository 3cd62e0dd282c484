import Dispatch
import Foundation
import KeyprintModel

/// How far one file in flight has got, updated by the task processing it: bytes read for the
/// custody hashes, frames hashed, and the presentation time decoding has reached.
public final class FileProgress: @unchecked Sendable {
    public let size: Int64
    private let lock = NSLock()
    private var bytesHashed: Int64 = 0
    private var frames = 0
    private var decodedSeconds: Double = 0
    private var duration: Double?
    private let onChange: @Sendable () -> Void

    init(size: Int64, onChange: @escaping @Sendable () -> Void) {
        self.size = size
        self.onChange = onChange
    }

    /// A file that nobody watches.
    public convenience init() { self.init(size: 0, onChange: {}) }

    public func hashed(bytes: Int) {
        lock.withLock { bytesHashed += Int64(bytes) }
        onChange()
    }

    public func opened(duration: Double?) {
        lock.withLock { self.duration = duration }
    }

    public func hashedFrame(at timestamp: Double) {
        lock.withLock {
            frames += 1
            decodedSeconds = max(decodedSeconds, timestamp)
        }
        onChange()
    }

    /// Frames so far, and the share of the file's work done (reading counts a tenth, decoding
    /// the rest, by presentation time against the stated duration; decoding counts as half
    /// done while the duration is unknown).
    var snapshot: (frames: Int, fraction: Double) {
        lock.withLock {
            let read = size > 0 ? min(1, Double(bytesHashed) / Double(size)) : 0
            var decoded = 0.0
            if let duration, duration > 0 { decoded = min(1, decodedSeconds / duration) } else if frames > 0 { decoded = 0.5 }
            return (frames, 0.1 * read + 0.9 * decoded)
        }
    }
}

/// The progress of a scan as the runner reports it: the counts of finished files plus the work
/// done inside the files in flight, so that one large file does not read "0 frames, ETA 2127 h"
/// for minutes. Reports at most every `interval` seconds while files are in flight, and at once
/// when a file finishes.
final class ScanProgressTracker: @unchecked Sendable {
    private let lock = NSLock()
    private var finished: ScanProgress
    private var inFlight: [Int64: FileProgress] = [:]
    private var lastReport: Double = -.infinity
    private let interval: Double
    private let report: @Sendable (ScanProgress) -> Void

    init(_ start: ScanProgress, interval: Double, report: @escaping @Sendable (ScanProgress) -> Void) {
        finished = start
        self.interval = interval
        self.report = report
    }

    /// The finished files' counts with the in-flight work added.
    var current: ScanProgress {
        lock.withLock { combined() }
    }

    private func combined() -> ScanProgress {
        var p = finished
        for file in inFlight.values {
            let s = file.snapshot
            p.frames += s.frames
            p.bytesDone += Int64(Double(file.size) * s.fraction)
        }
        return p
    }

    /// Starts watching a file of `size` bytes.
    func begin(fileID: Int64, size: Int64) -> FileProgress {
        let file = FileProgress(size: size) { [weak self] in self?.tick() }
        lock.withLock { inFlight[fileID] = file }
        return file
    }

    /// A file left the flight (committed, unchanged or abandoned); `update` changes the counts.
    func end(fileID: Int64, _ update: (inout ScanProgress) -> Void) {
        let snapshot = lock.withLock { () -> ScanProgress in
            inFlight[fileID] = nil
            update(&finished)
            lastReport = ScanRunner.now()
            return combined()
        }
        report(snapshot)
    }

    func reportNow() {
        let snapshot = lock.withLock { () -> ScanProgress in
            lastReport = ScanRunner.now()
            return combined()
        }
        report(snapshot)
    }

    private func tick() {
        let now = ScanRunner.now()
        let snapshot = lock.withLock { () -> ScanProgress? in
            guard now - lastReport >= interval else { return nil }
            lastReport = now
            return combined()
        }
        if let snapshot { report(snapshot) }
    }
}
