import ArgumentParser
import Foundation
import KeyprintExport
import KeyprintModel
import KeyprintPipeline
import KeyprintStore

/// Runs a scan or a resume with progress, Ctrl-C handling, a summary and the exit status
/// shared by `scan` and `resume`.
enum ScanSession {
    static func run(quiet: Bool, _ work: @escaping @Sendable (ScanRunner, @escaping @Sendable (ScanProgress) -> Void) async throws -> ScanSummary?,
                    database: CaseDatabase) async throws {
        // Another scan of the same case: StoreError.locked, a usage error.
        // On a shared store (PostgreSQL) several scanners cooperate: the lock is shared.
        let lock: ScanLease
        if let shared = database.store as? any SharedScanStore { lock = try await shared.acquireSharedScanLock() } else {
            lock = try await database.store.acquireScanLock()
        }
        defer { lock.release() }
        let printer = ProgressPrinter(quiet: quiet)
        let runner = ScanRunner(store: database.store)
        // Signals are caught before the work starts, so a Ctrl-C at any instant is handled.
        let cancellation = PendingCancellation()
        let monitor = InterruptMonitor { cancellation.cancel() }
        defer { monitor.stop() }
        let task = Task { try await work(runner) { printer.update($0) } }
        cancellation.attach(task)
        let summary: ScanSummary?
        do {
            summary = try await task.value
            printer.finish()
        } catch is ScanInterrupted {
            printer.finish()
            throw CommandFailure(.interrupted, "Interrupted. Resume with: keyprint resume --db \(Terminal.shellQuoted(database.displayed))")
        } catch {
            printer.finish()
            throw error
        }
        guard let summary else {
            try Terminal.out("Nothing to resume: the last scan in \(database.displayed) completed.")
            return
        }
        try report(summary)
        if !summary.allVideosDone { throw CommandFailure(.filesFailed) }
    }

    static func report(_ summary: ScanSummary) throws {
        let s = summary.scan
        let counts = FileState.allCases.compactMap { state in summary.counts[state].map { "\(state.rawValue) \($0)" } }
        try Terminal.out("Collection \(Terminal.printable(s.collection)): \(counts.joined(separator: ", ")).")
        if s.filesSeen == 0 { try Terminal.out("The folder \(Terminal.printable(s.root)) holds no files: nothing was scanned.") }
        try Terminal.out("This run: \(s.filesSeen) found, \(s.filesProcessed) processed, \(s.filesUnchanged) unchanged, \(s.filesFailed) failed, \(s.filesSkipped) skipped.")
        if !summary.failedFiles.isEmpty {
            try Terminal.out("Failed files:")
            for file in summary.failedFiles {
                try Terminal.out("  \(Terminal.printable(file.relativePath)): \(Terminal.printable(file.error ?? "unknown error"))")
            }
        }
    }
}

/// Cancels a task that may not exist yet: a cancel before `attach` is remembered.
final class PendingCancellation: @unchecked Sendable {
    private let lock = NSLock()
    private var cancelled = false
    private var cancelTask: (@Sendable () -> Void)?

    func attach<T: Sendable>(_ task: Task<T, any Error>) {
        lock.lock()
        cancelTask = { task.cancel() }
        let already = cancelled
        lock.unlock()
        if already { task.cancel() }
    }

    func cancel() {
        lock.lock()
        cancelled = true
        let action = cancelTask
        lock.unlock()
        action?()
    }
}
