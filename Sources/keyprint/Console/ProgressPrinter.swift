import Dispatch
import Foundation
import KeyprintExport
import KeyprintModel
import KeyprintPipeline
import KeyprintStore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Renders `ScanProgress` on stderr: a live line rewritten in place (a carriage return, no
/// escape sequences) when stderr is a terminal, plain lines every few seconds otherwise,
/// nothing with `--quiet`.
final class ProgressPrinter: @unchecked Sendable {
    private let queue = DispatchQueue(label: "keyprint.progress")
    private var latest: ScanProgress?
    private var timer: DispatchSourceTimer?
    private let live: Bool
    private let enabled: Bool
    private var lastWidth = 0

    init(quiet: Bool) {
        enabled = !quiet
        live = isatty(STDERR_FILENO) == 1
        guard enabled else { return }
        let timer = DispatchSource.makeTimerSource(queue: queue)
        let interval: DispatchTimeInterval = live ? .milliseconds(500) : .seconds(5)
        timer.schedule(deadline: .now() + interval, repeating: interval)
        timer.setEventHandler { [unowned self] in self.render(final: false) }
        timer.resume()
        self.timer = timer
    }

    /// Called by the scan after the walk and after each file.
    func update(_ progress: ScanProgress) {
        queue.async { self.latest = progress }
    }

    /// Prints the last state and stops the timer.
    func finish() {
        queue.sync {
            timer?.cancel()
            timer = nil
            render(final: true)
        }
    }

    private func render(final: Bool) {
        guard enabled, let p = latest else { return }
        let line = Self.line(p, now: ScanRunner.now())
        if live {
            let padding = String(repeating: " ", count: max(0, lastWidth - line.count))
            lastWidth = line.count
            write("\r" + line + padding + (final ? "\n" : ""))
        } else {
            write(line + "\n")
        }
    }

    private func write(_ text: String) {
        Terminal.diagnostic(text)
    }

    static func line(_ p: ScanProgress, now: Double) -> String {
        var parts = ["\(p.filesDone)/\(p.totalFiles) files", "\(p.frames) frames"]
        if p.failed > 0 { parts.append("\(p.failed) failed") }
        if p.skipped > 0 { parts.append("\(p.skipped) skipped") }
        if p.unchanged > 0 { parts.append("\(p.unchanged) unchanged") }
        if p.bytesDone > 0, let rate = p.bytesPerSecond(at: now) { parts.append(String(format: "%.1f MB/s", rate / 1_000_000)) }
        if !p.isComplete, let eta = p.secondsRemaining(at: now) { parts.append("ETA " + duration(eta)) }
        return "keyprint: " + parts.joined(separator: ", ")
    }

    static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        if s >= 3600 { return String(format: "%dh%02dm", s / 3600, (s % 3600) / 60) }
        if s >= 60 { return String(format: "%dm%02ds", s / 60, s % 60) }
        return "\(s)s"
    }
}
