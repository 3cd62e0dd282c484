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
            let how = worker.endedAt.map { "stopped \(iso.string(from: $0))" } ?? "running, or died (its leases expire)"
            let holds = worker.holding.isEmpty ? "holds nothing"
                : "holds \(worker.holding.prefix(10).map(Terminal.printable).joined(separator: ", "))"
                    + (worker.holding.count > 10 ? " and \(worker.holding.count - 10) more" : "")
            try Terminal.out("  \(Terminal.printable(worker.id)): divided match #\(worker.matchID.map(String.init) ?? "?"), "
                             + "last heartbeat \(iso.string(from: worker.heartbeatAt)), \(how); \(holds); matched \(worker.committed) query file(s)")
        }
    }
}
