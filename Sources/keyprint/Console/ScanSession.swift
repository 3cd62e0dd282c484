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
                    store: SQLiteCaseStore) async throws {
        let lock: ScanLease
        do { lock = try await store.acquireScanLock() } catch let error as StoreError {
            Terminal.error(error.description)
            throw ExitCode(2)
        }
        defer { lock.release() }
        let printer = ProgressPrinter(quiet: quiet)
        let runner = ScanRunner(store: store)
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
            Terminal.error("Interrupted. Resume with: keyprint resume --db \(shellQuoted(store.path))")
            throw ExitCode(130)
        } catch let error as StoreError {
            printer.finish()
            Terminal.error(error.description)
            throw ExitCode(3)
        }
        guard let summary else {
            Terminal.out("Nothing to resume: the last scan in \(store.path) completed.")
            return
        }
        report(summary)
        if !summary.allVideosDone { throw ExitCode(1) }
    }

    static func report(_ summary: ScanSummary) {
        let s = summary.scan
        let counts = FileState.allCases.compactMap { state in summary.counts[state].map { "\(state.rawValue) \($0)" } }
        Terminal.out("Collection \(Terminal.printable(s.collection)): \(counts.joined(separator: ", ")).")
        Terminal.out("This run: \(s.filesSeen) found, \(s.filesProcessed) processed, \(s.filesUnchanged) unchanged, \(s.filesFailed) failed, \(s.filesSkipped) skipped.")
        if !summary.failedFiles.isEmpty {
            Terminal.out("Failed files:")
            for file in summary.failedFiles {
                Terminal.out("  \(Terminal.printable(file.relativePath)): \(Terminal.printable(file.error ?? "unknown error"))")
            }
        }
    }

    static func shellQuoted(_ path: String) -> String {
        let safe = path.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) || "-_./=:,+@%".unicodeScalars.contains($0) }
        return safe ? path : "'" + path.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// Opens the store for writing after refusing a database inside the evidence folder.
    static func openStore(database: String, folder: String) throws -> SQLiteCaseStore {
        do {
            let db = try EvidencePaths.resolveDatabase(database)
            try EvidencePaths.checkDatabase(db, outside: folder)
            return try SQLiteCaseStore(path: db)
        } catch let problem as EvidencePaths.Problem {
            Terminal.error(problem.description)
            throw ExitCode(2)
        } catch let error as StoreError {
            Terminal.error(error.description)
            throw ExitCode(2)
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
