import Foundation

/// A synchronous producer (a parser handing over what it reads one value at a time) run on a
/// thread of its own beside the async consumer that stores its values, in batches. The
/// producer waits while `depth` batches wait to be stored, so memory stays that of a few
/// batches however much it makes. `KnownMaterialStore`'s producers are synchronous; the
/// PostgreSQL store's statements are not.
///
/// A producer that throws ends the run with its error (batches not yet stored are dropped: the
/// caller's transaction rolls back). A consumer that throws stops the producer (its next `send`
/// throws `ProducerPipe.Closed`) and, once the producer's thread has ended, the run ends with
/// the consumer's error.
enum ProducerPipe {
    /// What the producer's `send` throws after the consumer gave up.
    struct Closed: Error {}

    static func run<Element: Sendable, Output: Sendable>(
        batchSize: Int, depth: Int = 2,
        produce: @escaping @Sendable (_ send: (Element) throws -> Void) throws -> Output,
        consume: ([Element]) async throws -> Void
    ) async throws -> Output {
        let pipe = Channel<Element, Output>(depth: depth)
        let thread = Thread {
            var batch: [Element] = []
            batch.reserveCapacity(batchSize)
            let result = Result<Output, any Error> {
                let output = try produce { element in
                    batch.append(element)
                    if batch.count >= batchSize {
                        try pipe.push(batch)
                        batch = []
                        batch.reserveCapacity(batchSize)
                    }
                }
                if !batch.isEmpty { try pipe.push(batch) }
                return output
            }
            pipe.finish(result)
        }
        thread.name = "keyprint.producer"
        thread.start()
        while true {
            switch await pipe.next() {
            case .batch(let batch):
                do { try await consume(batch) } catch {
                    pipe.close()
                    _ = await pipe.end()
                    throw error
                }
            case .end(let result):
                return try result.get()
            }
        }
    }

    enum Next<Element, Output> {
        case batch([Element])
        case end(Result<Output, any Error>)
    }

    /// The batches between the two sides, under one lock: the producer waits on the condition,
    /// the consumer on a continuation.
    final class Channel<Element: Sendable, Output: Sendable>: @unchecked Sendable {
        private let condition = NSCondition()
        private let depth: Int
        private var ready: [[Element]] = []
        private var outcome: Result<Output, any Error>?
        private var closed = false
        private var waiter: CheckedContinuation<Void, Never>?

        init(depth: Int) { self.depth = max(1, depth) }

        /// Producer side: hands over a batch, after waiting while `depth` are waiting.
        func push(_ batch: [Element]) throws {
            condition.lock()
            while ready.count >= depth && !closed { condition.wait() }
            if closed {
                condition.unlock()
                throw Closed()
            }
            ready.append(batch)
            let woken = waiter
            waiter = nil
            condition.unlock()
            woken?.resume()
        }

        /// Producer side: the producer's thread is about to end, with its output or its error.
        func finish(_ result: Result<Output, any Error>) {
            condition.lock()
            outcome = result
            let woken = waiter
            waiter = nil
            condition.broadcast()
            condition.unlock()
            woken?.resume()
        }

        /// Consumer side: the next batch, or the producer's end once every batch was taken (at
        /// once when it failed).
        func next() async -> Next<Element, Output> {
            while true {
                if let next = take() { return next }
                await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                    condition.lock()
                    let now = outcome != nil || !ready.isEmpty
                    if !now { waiter = continuation }
                    condition.unlock()
                    if now { continuation.resume() }
                }
            }
        }

        private func take() -> Next<Element, Output>? {
            condition.lock()
            defer { condition.unlock() }
            if let outcome, case .failure = outcome { return .end(outcome) }
            if !ready.isEmpty {
                let batch = ready.removeFirst()
                condition.broadcast()
                return .batch(batch)
            }
            return outcome.map { .end($0) }
        }

        private func ended() -> Result<Output, any Error>? {
            condition.lock()
            defer { condition.unlock() }
            return outcome
        }

        /// Consumer side: gives up; the producer's next `push` throws.
        func close() {
            condition.lock()
            closed = true
            ready.removeAll()
            condition.broadcast()
            condition.unlock()
        }

        /// Consumer side, after `close`: waits for the producer's thread to end.
        func end() async -> Result<Output, any Error> {
            while true {
                if let ended = ended() { return ended }
                await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                    condition.lock()
                    let now = outcome != nil
                    if !now { waiter = continuation }
                    condition.unlock()
                    if now { continuation.resume() }
                }
            }
        }
    }
}
