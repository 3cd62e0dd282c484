import ArgumentParser
import Foundation
import KeyprintPipeline

/// `--worker-id` and `--lease-seconds`, for scan, resume and match: how one of several workers on
/// a shared (PostgreSQL) case names itself and how long a file (a query file, for match) it
/// claimed stays its own without a heartbeat. A SQLite case ignores both (its scan lock lets one
/// scanner in; one process matches).
struct WorkerOptions: ParsableArguments {
    @Option(name: .customLong("worker-id"), help: ArgumentHelp(
        "This worker's name on a shared (postgres://) case, unique among the workers running at once (default: HOST-PID). A restarted worker of the same name frees the files its earlier process held at once.",
        valueName: "NAME"))
    var workerID: String?

    @Option(name: .customLong("lease-seconds"), help: ArgumentHelp(
        "On a shared case, how long a claimed file (for match: query file) stays leased without a heartbeat before another worker may take it (default 60; short values are for tests).",
        valueName: "S"))
    var leaseSeconds: Double = ScanRequest.defaultLeaseSeconds

    func check() throws {
        if let workerID, workerID.isEmpty || workerID.count > 200 { throw ValidationError("--worker-id takes a name of 1 to 200 characters.") }
        if !(leaseSeconds >= 1 && leaseSeconds <= 86_400) { throw ValidationError("--lease-seconds takes 1 to 86400 seconds.") }
    }

    /// The worker's name: the one given, or host and process id.
    var id: String {
        if let workerID { return workerID }
        return "\(ProcessInfo.processInfo.hostName)-\(ProcessInfo.processInfo.processIdentifier)"
    }
}
