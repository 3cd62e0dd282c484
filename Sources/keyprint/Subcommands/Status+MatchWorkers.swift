import Foundation
import KeyprintPipeline
import KeyprintStore

extension Keyprint.Status {
    /// The workers of divided match runs on a shared case: the run, the last heartbeat, whether
    /// it stopped, what it holds and how many queries it matched.
    static func printMatchWorkers(_ store: any SharedMatchStore) async throws {
        let workers = try await store.matchWorkers()
        guard !workers.isEmpty else { return }
        let iso = ISO8601DateFormatter()
        try Terminal.out("Match workers (times on the server's clock):")
        for worker in workers {
            let (how, holds) = workerState(endedAt: worker.endedAt, holding: worker.holding, iso)
            try Terminal.out("  \(Terminal.printable(worker.id)): divided match #\(worker.matchID.map(String.init) ?? "?"), "
                             + "last heartbeat \(iso.string(from: worker.heartbeatAt)), \(how); \(holds); matched \(worker.committed) query file(s)")
        }
    }

    /// What a scan or match worker's line says besides its run and heartbeat: whether it stopped,
    /// and the first ten files it holds.
    static func workerState(endedAt: Date?, holding: [String], _ iso: ISO8601DateFormatter) -> (how: String, holds: String) {
        let how = endedAt.map { "stopped \(iso.string(from: $0))" } ?? "running, or died (its leases expire)"
        let holds = holding.isEmpty ? "holds nothing"
            : "holds \(holding.prefix(10).map(Terminal.printable).joined(separator: ", "))"
                + (holding.count > 10 ? " and \(holding.count - 10) more" : "")
        return (how, holds)
    }
}
