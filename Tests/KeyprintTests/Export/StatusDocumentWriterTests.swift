import Foundation
import Testing
@testable import KeyprintModel
@testable import KeyprintStore
@testable import KeyprintExport

/// `status --json` row by row (issue 15 item 4): the streamed document is the one
/// `StatusDocument.json()` builds in memory, and it leaves the writer in bounded pieces.
@Suite struct StatusDocumentWriterTests {
    static func file(_ i: Int) -> StoredFile {
        var f = StoredFile(id: Int64(i), collection: i % 3 == 0 ? "b" : "a", root: "/evidence/é \"q\"", relativePath: "d/\(i)\n.mp4",
                           state: [.done, .failed, .pending, .skipped][i % 4], error: i % 4 == 1 ? "no video stream \\ \u{1}" : nil,
                           size: i % 5 == 0 ? nil : Int64(i * 1000), frameCount: i, updatedAt: Date(timeIntervalSince1970: 0),
                           warning: i % 7 == 0 ? "ended early" : nil)
        if i % 2 == 0 { f.digests = CustodyDigests(md5: "m\(i)", sha1: "s\(i)", sha256: "h\(i)") }
        if i % 3 == 1 {
            f.media = StoredMediaFacts(container: "mp4", codec: "h264", width: 4, height: 4, displayWidth: 4, displayHeight: 4,
                                       rotation: 0, duration: Double(i) / 3, creationTime: nil, isStillImage: false)
        }
        return f
    }

    static func streamed(_ files: [StoredFile], chunks: inout [String]) throws -> String {
        var out: [String] = []
        var writer = StatusDocumentWriter { out.append($0) }
        for f in files { try writer.append(f) }
        try writer.finish()
        chunks = out
        return out.joined()
    }

    @Test(arguments: [0, 1, 2, 3, 40, 2000])
    func streamedDocumentIsTheInMemoryOne(count: Int) throws {
        let files = (0..<count).map(Self.file)
        var chunks: [String] = []
        let text = try Self.streamed(files, chunks: &chunks)
        #expect(text == (try StatusDocument(files: files).json()) + "\n")
        // And it parses back to the same entries.
        let document = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect((document["files"] as? [Any])?.count == count)
    }

    @Test func writesInBoundedPiecesAsTheFilesCome() throws {
        var chunks: [String] = []
        var sizesWhenAppending: [Int] = []
        var writer = StatusDocumentWriter { chunks.append($0) }
        let files = (0..<5000).map(Self.file)
        for f in files {
            try writer.append(f)
            sizesWhenAppending.append(chunks.count)
        }
        // Output left the writer long before the last file came in.
        #expect((sizesWhenAppending.firstIndex { $0 > 0 } ?? Int.max) < 1000)
        try writer.finish()
        let longestEntry = files.map { (try? StatusDocument(files: [$0]).json().utf8.count) ?? 0 }.max() ?? 0
        #expect(chunks.count > 5)
        for chunk in chunks { #expect(chunk.utf8.count <= StatusDocumentWriter.flushBytes + longestEntry + 64) }
    }

    @Test func sqliteStorePagesEveryFileInOrder() async throws {
        let folder = FileManager.default.temporaryDirectory.path + "/keyprint-status-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let store = try SQLiteCaseStore(path: folder + "/case.sqlite")
        let settings = ScanSettings(sampling: .defaultInterval, timeBudget: 60, jobs: 1)
        for collection in ["zeta", "alpha"] {
            let scan = try await store.beginScan(root: "/e", collection: collection, settings: settings, commandLine: "t", versions: "v")
            _ = try await store.markPending(collection: collection, root: "/e",
                                            files: (0..<23).map { (relativePath: "f\(($0 * 7) % 23).mp4", stamp: nil) }, scanID: scan.id)
        }
        var pages: [[StoredFile]] = []
        try await store.forEachFilePage(pageSize: 5) { pages.append($0) }
        #expect(pages.allSatisfy { $0.count <= 5 && !$0.isEmpty })
        #expect(pages.count == 10)
        #expect(pages.flatMap { $0 } == (try await store.files(collection: nil)))
    }
}
