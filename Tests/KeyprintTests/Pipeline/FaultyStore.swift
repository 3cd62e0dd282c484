import Foundation
@testable import KeyprintModel
@testable import KeyprintDecode
@testable import KeyprintHash
@testable import KeyprintIndex
@testable import KeyprintMatch
@testable import KeyprintStore
@testable import KeyprintExport
@testable import KeyprintPipeline

/// A real SQLite store whose `commit` fails from the `failAt`-th call on, to force the fault
/// of a database that stops accepting writes (disk full, I/O error).
final class FaultyStore: ForwardingStore, @unchecked Sendable {
    let failAt: Int
    private let lock = NSLock()
    private var commits = 0

    init(base: SQLiteCaseStore, failAt: Int) {
        self.failAt = failAt
        super.init(base: base)
    }

    override func commit(_ outcome: FileOutcome, scanID: Int64) async throws {
        let n = lock.withLock { commits += 1; return commits }
        if n >= failAt { throw StoreError.sqlite(code: 10, message: "disk I/O error (forced by the test)", sql: nil) }
        try await base.commit(outcome, scanID: scanID)
    }
}
