import Foundation
import Testing
@testable import KeyprintStorePostgres

/// `ProducerPipe`, the bridge from a synchronous producer to the PostgreSQL store's async
/// inserts: everything arrives in order, the producer stays a bounded distance ahead of a slow
/// consumer, and either side's failure ends the run with that side's error.
@Suite struct ProducerPipeTests {
    /// Counts shared by the producer's thread and the consumer.
    final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var value = 0
        func add() { lock.withLock { value += 1 } }
        var count: Int { lock.withLock { value } }
    }

    struct ProducerFailed: Error, Equatable { let at: Int }
    struct ConsumerFailed: Error, Equatable {}

    @Test func everyValueArrivesInOrderInBatchesAndTheOutputComesBack() async throws {
        var batches: [[Int]] = []
        let output = try await ProducerPipe.run(batchSize: 4, produce: { send in
            for i in 0..<10 { try send(i) }
            return "done"
        }) { (batch: [Int]) in batches.append(batch) }
        #expect(output == "done")
        #expect(batches == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]])
        let none = try await ProducerPipe.run(batchSize: 4, produce: { (_: (Int) throws -> Void) in 7 }) { _ in Issue.record("a batch of nothing") }
        #expect(none == 7)
    }

    @Test func theProducerStaysABoundedDistanceAheadOfASlowConsumer() async throws {
        let produced = Counter()
        let batchSize = 10, depth = 2
        var consumed = 0, furthestAhead = 0
        try await ProducerPipe.run(batchSize: batchSize, depth: depth, produce: { send in
            for i in 0..<500 { produced.add(); try send(i) }
        }) { (batch: [Int]) in
            try await Task.sleep(for: .milliseconds(2))
            furthestAhead = max(furthestAhead, produced.count - consumed)
            consumed += batch.count
        }
        #expect(consumed == 500)
        // This batch, `depth` waiting, one being handed over and one element more.
        #expect(furthestAhead <= (depth + 2) * batchSize + 1, "the producer ran \(furthestAhead) values ahead")
        #expect(furthestAhead > batchSize, "the producer never ran ahead: the test shows nothing")
    }

    @Test func aFailingConsumerStopsTheProducerAndItsErrorEndsTheRun() async throws {
        let produced = Counter()
        let stopped = Counter()
        await #expect(throws: ConsumerFailed()) {
            try await ProducerPipe.run(batchSize: 10, produce: { send in
                do {
                    for i in 0..<1_000_000 { produced.add(); try send(i) }
                } catch {
                    if error is ProducerPipe.Closed { stopped.add() }
                    throw error
                }
            }) { (batch: [Int]) in
                if batch.first == 20 { throw ConsumerFailed() }
            }
        }
        // The run returned only after the producer's thread saw the pipe closed.
        #expect(stopped.count == 1)
        #expect(produced.count < 100, "the producer went on to \(produced.count) values")
    }

    @Test func aFailingProducerEndsTheRunWithItsError() async throws {
        var consumed = 0
        await #expect(throws: ProducerFailed(at: 25)) {
            try await ProducerPipe.run(batchSize: 10, produce: { send in
                for i in 0..<100 {
                    if i == 25 { throw ProducerFailed(at: i) }
                    try send(i)
                }
            }) { (batch: [Int]) in consumed += batch.count }
        }
        #expect(consumed <= 20, "values after the failure were consumed")
    }
}
