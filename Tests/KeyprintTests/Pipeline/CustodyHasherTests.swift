import Foundation
import Testing
@testable import KeyprintModel
@testable import KeyprintDecode
@testable import KeyprintHash
@testable import KeyprintIndex
@testable import KeyprintMatch
@testable import KeyprintStore
@testable import KeyprintExport
@testable import KeyprintPipeline

@Suite struct CustodyHasherTests {
    /// FIPS 180 / RFC 1321 known answers for "abc".
    static let abc = CustodyDigests(md5: "900150983cd24fb0d6963f7d28e17f72",
                                    sha1: "a9993e364706816aba3e25717850c26c9cd0d89d",
                                    sha256: "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")

    @Test func knownAnswersForABCInMemory() {
        #expect(CustodyHasher.digests(of: Array("abc".utf8)) == Self.abc)
    }

    @Test(arguments: [1, 2, 3, 1 << 20])
    func fileDigestsDoNotDependOnChunkSize(chunk: Int) async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let path = folder.path + "/abc"
        try Data("abc".utf8).write(to: URL(fileURLWithPath: path))
        let result = try CustodyHasher.hash(path: path, chunkSize: chunk)
        #expect(result.digests == Self.abc)
        #expect(result.size == 3)
        #expect(result.head == Array("abc".utf8))
    }

    @Test func largeFileMatchesInMemoryDigests() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let bytes = pseudoRandomBytes(count: 3_000_017)
        let path = folder.path + "/big.bin"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let result = try CustodyHasher.hash(path: path, chunkSize: 65_536)
        #expect(result.digests == CustodyHasher.digests(of: bytes))
        #expect(result.head == Array(bytes.prefix(CustodyHasher.headLength)))
    }

    @Test func emptyFileHasTheEmptyDigests() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let path = folder.path + "/empty"
        #expect(FileManager.default.createFile(atPath: path, contents: Data()))
        let result = try CustodyHasher.hash(path: path)
        #expect(result.digests.sha256 == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(result.digests.md5 == "d41d8cd98f00b204e9800998ecf8427e")
    }

    @Test func symbolicLinkIsNotFollowed() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try Data("abc".utf8).write(to: URL(fileURLWithPath: folder.path + "/target"))
        try FileManager.default.createSymbolicLink(atPath: folder.path + "/link", withDestinationPath: folder.path + "/target")
        #expect(throws: CustodyHasher.Failure.self) { try CustodyHasher.hash(path: folder.path + "/link") }
    }
}
