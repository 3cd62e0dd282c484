import Foundation
import Testing
@testable import KeyprintModel
@testable import KeyprintStore
@testable import KeyprintStorePostgres

/// The `KnownMaterialStore` contract (`KnownMaterialContract`) against both backends, and
/// against a store that breaks one promise at a time, to show that each check can fail.
@Suite struct KnownMaterialContractTests {
    @Test(arguments: KnownMaterialContract.checks)
    func sqliteKeepsThePromise(_ check: KnownMaterialContract.Check) async throws {
        let problems = try await StoreContractTests.withSQLiteStore { try await check.run($0) }
        #expect(problems.isEmpty, "\(check.name): \(problems)")
    }

    /// The same checks on PostgreSQL, a fresh database per check.
    @Test(.enabled(if: TestPostgres.enabled, TestPostgres.skipReason), arguments: KnownMaterialContract.checks)
    func postgresKeepsThePromise(_ check: KnownMaterialContract.Check) async throws {
        guard let problems = try await TestPostgres.withStore({ try await check.run($0) }) else { return }
        #expect(problems.isEmpty, "\(check.name): \(problems)")
    }

    /// Ways to break the contract, one at a time.
    enum Fault: String, CaseIterable, Sendable {
        case importPerItem, reimportAddsRows, producerErrorBecomesStoreError, importedFromDropped, duplicatesDropped,
             hashSetsAccumulate, lastBatchLost, weakestDigestNamed, hitsUnordered, importedItemsHit
    }

    final class BrokenStore: ForwardingStore, KnownMaterialStore, @unchecked Sendable {
        let fault: Fault
        init(base: SQLiteCaseStore, fault: Fault) { self.fault = fault; super.init(base: base) }

        override func files(collection: String?) async throws -> [StoredFile] {
            let files = try await base.files(collection: collection)
            return fault == .importedFromDropped ? files.map { var f = $0; f.importedFrom = nil; return f } : files
        }

        func importItems(collection: String, commandLine: String,
                         _ produce: @escaping @Sendable (_ add: (ImportedItem) throws -> Void) throws -> Void) async throws -> ImportSummary {
            switch fault {
            case .importPerItem:
                // Each item in a transaction of its own: a failure half way keeps the first ones.
                var items: [ImportedItem] = []
                let failure: (any Error)?
                do { try produce { items.append($0) }; failure = nil } catch { failure = error }
                var total = ImportSummary(collection: collection, items: 0, replaced: 0, frames: 0)
                for item in items {
                    let one = try await base.importItems(collection: collection, commandLine: commandLine) { add in try add(item) }
                    total.items += one.items; total.replaced += one.replaced; total.frames += one.frames
                }
                if let failure { throw failure }
                return total
            case .reimportAddsRows:
                let known = Set(try await base.files(collection: collection).map(\.relativePath))
                return try await base.importItems(collection: collection, commandLine: commandLine) { add in
                    try produce { item in
                        var renamed = item
                        if known.contains(item.relativePath) { renamed.relativePath += "~" }
                        try add(renamed)
                    }
                }
            case .producerErrorBecomesStoreError:
                do { return try await base.importItems(collection: collection, commandLine: commandLine, produce) } catch {
                    throw StoreError.locked(path: "x")
                }
            case .duplicatesDropped:
                return try await base.importItems(collection: collection, commandLine: commandLine) { add in
                    var seen = Set<String>()
                    try produce { item in if seen.insert(item.relativePath).inserted { try add(item) } }
                }
            default:
                return try await base.importItems(collection: collection, commandLine: commandLine, produce)
            }
        }

        func importHashSet(collection: String, sourcePath: String, commandLine: String, expectedRecords: Int,
                           _ produce: @escaping @Sendable (_ add: (KnownHashRecord) throws -> Void) throws -> (format: String, sha256: String)) async throws -> StoredHashSet {
            switch fault {
            case .hashSetsAccumulate:
                let unique = sourcePath + "#" + UUID().uuidString
                return try await base.importHashSet(collection: collection, sourcePath: unique, commandLine: commandLine,
                                                    expectedRecords: expectedRecords, produce)
            case .lastBatchLost:
                return try await base.importHashSet(collection: collection, sourcePath: sourcePath, commandLine: commandLine,
                                                    expectedRecords: expectedRecords) { add in
                    var n = 0
                    return try produce { record in
                        n += 1
                        if n <= 20_000 { try add(record) }
                    }
                }
            case .producerErrorBecomesStoreError:
                do {
                    return try await base.importHashSet(collection: collection, sourcePath: sourcePath, commandLine: commandLine,
                                                        expectedRecords: expectedRecords, produce)
                } catch { throw StoreError.locked(path: "x") }
            default:
                return try await base.importHashSet(collection: collection, sourcePath: sourcePath, commandLine: commandLine,
                                                    expectedRecords: expectedRecords, produce)
            }
        }

        func hashSets() async throws -> [StoredHashSet] { try await base.hashSets() }

        func knownFileHits() async throws -> [KnownFileHit] {
            let hits = try await base.knownFileHits()
            switch fault {
            case .weakestDigestNamed:
                return hits.map { hit in
                    var weakest = hit
                    let d = hit.file.digests
                    weakest.matchedBy = hit.record.md5 == d?.md5 ? "md5" : hit.record.sha1 == d?.sha1 ? "sha1" : "sha256"
                    return weakest
                }
            case .hitsUnordered:
                return hits.sorted { $0.file.id > $1.file.id }
            case .importedItemsHit:
                // Every imported item "hits" the first record of the first set.
                guard let first = hits.first else { return hits }
                let items = try await base.files(collection: nil).filter { $0.importedFrom != nil }
                return hits + items.map { KnownFileHit(file: $0, hashSet: first.hashSet, matchedBy: "md5", record: first.record) }
            default:
                return hits
            }
        }
    }

    @Test(arguments: Fault.allCases)
    func aStoreThatBreaksAPromiseFailsTheContract(_ fault: Fault) async throws {
        var failed: [String] = []
        for check in KnownMaterialContract.checks {
            let problems: [String]
            do {
                problems = try await StoreContractTests.withSQLiteStore { try await check.run(BrokenStore(base: $0, fault: fault)) }
            } catch {
                problems = ["threw \(error)"]
            }
            if !problems.isEmpty { failed.append(check.name) }
        }
        #expect(!failed.isEmpty, "no check of the contract noticed \(fault)")
    }
}
