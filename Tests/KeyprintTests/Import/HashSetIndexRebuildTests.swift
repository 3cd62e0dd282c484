import Foundation
import Testing
@testable import KeyprintImport
import KeyprintModel
@testable import KeyprintPipeline
@testable import KeyprintStore

/// A large hash set is imported with the digest indexes dropped and built again in the same
/// transaction (`SQLiteCaseStore.rebuildsDigestIndexes`): the indexes come back as the
/// migration made them, lookups find the records, and a failing import of a large set leaves
/// the earlier sets and the indexes as they were.
@Suite struct HashSetIndexRebuildTests {
    /// A plain CSV of `count` records (about 140 bytes each), `last` as the final record's MD5.
    static func writeCSV(_ path: String, count: Int, seed: UInt64, last: String? = nil, trailer: String = "") throws {
        var rng = SplitMix64(seed: seed)
        func hex(_ words: Int) -> String { (0..<words).map { _ in String(format: "%016llx", rng.next()) }.joined() }
        var text = "md5,sha1,sha256,category\n"
        for i in 0..<count {
            let md5 = i == count - 1 ? (last ?? String(hex(2))) : String(hex(2))
            text += "\(md5),\(hex(3).prefix(40)),\(hex(4)),c\(i % 3)\n"
        }
        try (text + trailer).write(toFile: path, atomically: true, encoding: .utf8)
    }

    @Test func aLargeSetRebuildsTheIndexesAsTheMigrationMadeThem() async throws {
        let folder = try TemporaryFolder("keyprint-index-rebuild")
        defer { folder.remove() }
        let fresh = try SQLiteCaseStore(path: folder.path + "/fresh.sqlite")
        let expected = try await fresh.indexDefinitions(table: "known_hashes")
        #expect(expected.count == 4)

        let store = try SQLiteCaseStore(path: folder.path + "/case.sqlite")
        let target = "0123456789abcdef0123456789abcdef"
        let big = folder.path + "/big.csv"
        try Self.writeCSV(big, count: 12_000, seed: 1, last: target)
        let size = try #require(try FileManager.default.attributesOfItem(atPath: big)[.size] as? Int)
        let guess = size / HashSetImporter.bytesPerRecordGuess
        #expect(guess >= 10_000)
        let set = try await HashSetImporter(store: store).run(path: big, collection: "sets", commandLine: "test")
        #expect(set.records == 12_000)
        #expect(try await store.indexDefinitions(table: "known_hashes") == expected)
        #expect(try await store.knownHashCount(md5: target) == 1)

        // A large set whose last line is malformed: nothing of it is stored, the indexes stay.
        let bad = folder.path + "/bad.csv"
        try Self.writeCSV(bad, count: 12_000, seed: 2, trailer: "zz,,,\n")
        await #expect(throws: ImportError.self) {
            _ = try await HashSetImporter(store: store).run(path: bad, collection: "sets", commandLine: "test")
        }
        #expect(try await store.hashSets().map(\.records) == [12_000])
        #expect(try await store.indexDefinitions(table: "known_hashes") == expected)
        #expect(try await store.knownHashCount(md5: target) == 1)

        // A small set next to the large one goes in without a rebuild, and is found too.
        let small = folder.path + "/small.csv"
        try Self.writeCSV(small, count: 10, seed: 3, last: target)
        _ = try await HashSetImporter(store: store).run(path: small, collection: "sets", commandLine: "test")
        #expect(try await store.indexDefinitions(table: "known_hashes") == expected)
        #expect(try await store.knownHashCount(md5: target) == 2)
        #expect(try await store.hashSets().map(\.records).sorted() == [10, 12_000])
    }
}
