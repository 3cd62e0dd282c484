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

@Suite struct EvidenceWalkerTests {
    @Test func walksRecursivelyInByteOrderAndRecordsLinksWithoutFollowing() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let outside = try TemporaryFolder("keyprint-outside")
        defer { outside.remove() }
        let root = try EvidencePaths.resolveFolder(try folder.sub("evidence"))
        let fm = FileManager.default
        try fm.createDirectory(atPath: root + "/b/inner", withIntermediateDirectories: true)
        for name in ["Z.txt", "a.txt", "b/inner/deep.bin", "b/x.mp4", "é\nnewline.mp4"] {
            #expect(fm.createFile(atPath: root + "/" + name, contents: Data(name.utf8)))
        }
        #expect(fm.createFile(atPath: outside.path + "/secret", contents: Data("x".utf8)))
        try fm.createSymbolicLink(atPath: root + "/loop", withDestinationPath: "loop")
        try fm.createSymbolicLink(atPath: root + "/b/up", withDestinationPath: "..")
        try fm.createSymbolicLink(atPath: root + "/escape", withDestinationPath: outside.path + "/secret")
        try fm.createSymbolicLink(atPath: root + "/alias", withDestinationPath: "a.txt")
        try fm.createSymbolicLink(atPath: root + "/dangling", withDestinationPath: "nowhere")
        #expect(mkfifo(root + "/pipe", 0o644) == 0)

        let entries = EvidenceWalker(root: root).entries()
        #expect(entries.map(\.relativePath) == ["Z.txt", "a.txt", "alias", "b/inner/deep.bin", "b/up", "b/x.mp4", "dangling",
                                                "escape", "loop", "pipe", "é\nnewline.mp4"])
        func kind(_ path: String) -> WalkEntry.Kind? { entries.first { $0.relativePath == path }?.kind }
        #expect(kind("a.txt") == .regularFile)
        #expect(kind("é\nnewline.mp4") == .regularFile)
        func reason(_ path: String) -> String {
            if case .skipped(let r)? = kind(path) { return r }
            return "not skipped"
        }
        #expect(reason("loop").contains("symbolic link loop"))
        #expect(reason("b/up").contains("symbolic link loop"))
        #expect(reason("escape").contains("outside the evidence folder"))
        #expect(reason("alias").contains("inside the evidence folder"))
        #expect(reason("dangling").contains("dangling"))
        #expect(reason("pipe").contains("FIFO"))
        #expect(entries.first { $0.relativePath == "a.txt" }?.stamp.size == 5)
        // The same walk twice gives the same list.
        #expect(EvidenceWalker(root: root).entries() == entries)
    }

    @Test func databaseInsideTheFolderIsRefusedEvenThroughALink() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let root = try EvidencePaths.resolveFolder(try folder.sub("evidence"))
        let cases = try folder.sub("cases")
        try FileManager.default.createSymbolicLink(atPath: cases + "/into", withDestinationPath: root)
        let inside = try EvidencePaths.resolveDatabase(cases + "/into/case.sqlite")
        #expect(throws: EvidencePaths.Problem.self) { try EvidencePaths.checkDatabase(inside, outside: root) }
        let sibling = try EvidencePaths.resolveDatabase(folder.path + "/evidence-case.sqlite")
        #expect(throws: Never.self) { try EvidencePaths.checkDatabase(sibling, outside: root) }
    }
}
