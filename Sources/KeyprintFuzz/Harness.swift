import Foundation
import KeyprintModel
import KeyprintStore
import KeyprintPipeline

/// One input through the per-file entry a scan uses (`FileProcessor.process`): custody hashes,
/// recognition, open, demux, decode, sampling and PDQ hashing. The input is written to a file in
/// a private temporary folder (the harness never reads or writes anything else), processed
/// with a short per-file time budget, and the outcome is checked against what the case
/// database relies on. A broken promise is a finding: it is printed and the process aborts,
/// which libFuzzer records as a crash and saves the input.
enum Harness {
    /// Per-file wall-clock budget in seconds (`KEYPRINT_FUZZ_BUDGET`, default 2 s), the scan's
    /// `--timeout-per-file` for every input.
    static let budget: Double = {
        if let text = ProcessInfo.processInfo.environment["KEYPRINT_FUZZ_BUDGET"], let value = Double(text), value > 0 { return value }
        return 2
    }()

    /// The private folder inputs are written to, made once per process and removed at exit.
    static let folder: String = {
        let base = ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        var template = Array((base + "/keyprint-fuzz-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else { fatalError("KeyprintFuzz: mkdtemp failed: \(String(cString: strerror(errno)))") }
        let path = String(cString: made)
        atexit { try? FileManager.default.removeItem(atPath: Harness.folder) }
        return path
    }()

    /// The scan's default settings (one frame a second, region hashes on) with the budget.
    static let processor = FileProcessor(root: folder, settings: ScanSettings(sampling: .defaultInterval, timeBudget: budget, jobs: 1))

    /// The input's name in the folder: a video extension, so that recognition never stops an
    /// input before FFmpeg sees it (content sniffing still decides for the rest).
    static let name = "input.mp4"

    /// Runs `bytes` through the pipeline; returns the broken promises (empty: all kept) and the
    /// outcome in a few words.
    static func run(_ bytes: UnsafeBufferPointer<UInt8>) -> (broken: [String], summary: String) {
        let path = folder + "/" + name
        unlink(path)
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { fatalError("KeyprintFuzz: cannot create \(path): \(String(cString: strerror(errno)))") }
        var written = 0
        while written < bytes.count {
            let n = write(fd, bytes.baseAddress! + written, bytes.count - written)
            guard n > 0 else { fatalError("KeyprintFuzz: write failed: \(String(cString: strerror(errno)))") }
            written += n
        }
        close(fd)
        var info = stat()
        guard stat(path, &info) == 0 else { fatalError("KeyprintFuzz: stat failed") }
        let stamp = FileStamp(size: Int64(info.st_size),
                              mtimeNanoseconds: Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec))
        let job = FileProcessor.Job(fileID: 1, relativePath: name, stamp: stamp)
        let result = processor.process(job)
        return (check(result, size: bytes.count), summary(result))
    }

    static func summary(_ result: FileProcessor.Result) -> String {
        guard case .outcome(let o) = result else { return "\(result)" }
        switch o.state {
        case .done: return "done, \(o.frames.count) frames, \(o.shots.count) shots, \(String(format: "%.2f", o.processingSeconds)) s"
        default: return "\(o.state.rawValue): \(o.error ?? "no reason")"
        }
    }

    /// What a scan's commit and the case database rely on, for one file's result.
    static func check(_ result: FileProcessor.Result, size: Int) -> [String] {
        guard case .outcome(let outcome) = result else {
            // No verification was asked for and nothing cancels: neither can happen.
            return ["process returned \(result) for a new file outside any cancelled task"]
        }
        var broken: [String] = []
        if outcome.fileID != 1 { broken.append("outcome for file \(outcome.fileID), not 1") }
        switch outcome.state {
        case .done:
            if outcome.error != nil { broken.append("done with an error: \(outcome.error!)") }
            if outcome.frames.isEmpty { broken.append("done without frames") }
            if outcome.digests == nil { broken.append("done without custody digests") }
            if outcome.size != Int64(size) { broken.append("done with size \(outcome.size.map(String.init) ?? "nil"), input has \(size) bytes") }
            broken += frameProblems(outcome.frames, "frames")
            broken += frameProblems(outcome.regionFrames, "region frames")
            broken += frameProblems(outcome.pictureFrames, "picture frames")
            if !outcome.regionFrames.isEmpty && outcome.regionFrames.map(\.timestamp) != outcome.frames.map(\.timestamp) {
                broken.append("region frames (\(outcome.regionFrames.count)) are not at the frames' timestamps (\(outcome.frames.count))")
            }
            let times = Set(outcome.frames.map(\.timestamp))
            if let stray = outcome.pictureFrames.first(where: { !times.contains($0.timestamp) }) {
                broken.append("picture frame at \(stray.timestamp) s, where no frame was sampled")
            }
            for (i, shot) in outcome.shots.enumerated() {
                if !shot.startTime.isFinite { broken.append("shot \(i) starts at \(shot.startTime)") }
                if i > 0 && !(shot.startTime > outcome.shots[i - 1].startTime) { broken.append("shot \(i) does not start after shot \(i - 1)") }
                if let r = shot.region, !(r.x >= 0 && r.y >= 0 && r.width > 0 && r.height > 0 && r.x + r.width <= 1.000001 && r.y + r.height <= 1.000001) {
                    broken.append("shot \(i) region \(r) is not inside the picture")
                }
            }
            if let media = outcome.media {
                if !(media.width > 0 && media.height > 0) { broken.append("done with a \(media.width)x\(media.height) picture") }
                if let d = media.duration, !(d.isFinite && d >= 0) { broken.append("duration \(d)") }
            } else {
                broken.append("done without media facts")
            }
        case .failed, .skipped:
            if (outcome.error ?? "").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                broken.append("\(outcome.state) without a reason")
            }
            if !outcome.frames.isEmpty || !outcome.regionFrames.isEmpty || !outcome.pictureFrames.isEmpty {
                broken.append("\(outcome.state) with \(outcome.frames.count) frames")
            }
        case .pending, .running:
            broken.append("outcome state \(outcome.state)")
        }
        if !(outcome.processingSeconds.isFinite && outcome.processingSeconds >= 0) {
            broken.append("processing time \(outcome.processingSeconds)")
        }
        return broken
    }

    /// Frame indices non-negative and strictly increasing (the store's UNIQUE (file_id,
    /// frame_index)), timestamps finite and non-decreasing, qualities 0…100.
    static func frameProblems(_ frames: [FrameHash], _ what: String) -> [String] {
        var broken: [String] = []
        for (i, frame) in frames.enumerated() {
            if !frame.timestamp.isFinite { broken.append("\(what)[\(i)] timestamp \(frame.timestamp)") }
            if !(0...100).contains(frame.quality) { broken.append("\(what)[\(i)] quality \(frame.quality)") }
            if frame.index < 0 { broken.append("\(what)[\(i)] index \(frame.index)") }
            if i > 0 {
                let previous = frames[i - 1]
                if !(frame.timestamp >= previous.timestamp) {
                    broken.append("\(what)[\(i)] timestamp \(frame.timestamp) before \(what)[\(i - 1)]'s \(previous.timestamp)")
                }
                if !(frame.index > previous.index) { broken.append("\(what)[\(i)] index \(frame.index) not after \(previous.index)") }
            }
            if broken.count > 5 { break }
        }
        return broken
    }

    /// Prints the broken promises and aborts (libFuzzer saves the input as crash-…).
    static func fail(_ broken: [String], input: String) -> Never {
        var text = "KeyprintFuzz: broken promise on \(input):\n"
        for line in broken { text += "  - \(line)\n" }
        FileHandle.standardError.write(Data(text.utf8))
        abort()
    }
}
