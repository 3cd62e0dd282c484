import Foundation
import Testing
@testable import KeyprintModel
@testable import KeyprintStore
@testable import KeyprintPipeline
#if canImport(Glibc)
import Glibc
#endif

/// File names that are not valid UTF-8 round-trip as bytes (issue #14, defect 6).
@Suite struct FileNameTests {
    @Test func namesRoundTripAsBytesAndStayDistinct() {
        let samples: [[UInt8]] = [
            Array("plain/name.mp4".utf8), Array("bad".utf8) + [0xFF, 0xFE] + Array("name.mp4".utf8),
            Array("bad\u{FFFD}\u{FFFD}name.mp4".utf8), Array("bad".utf8) + [0xC3] + Array("name.mp4".utf8),
            Array("back\\slash\\xff.mp4".utf8), [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xC0, 0xAF], Array("é☃𝄞".utf8),
        ]
        let texts = samples.map { EvidenceName.text(fromBytes: $0) }
        #expect(Set(texts).count == samples.count)
        for (bytes, text) in zip(samples, texts) {
            #expect(EvidenceName.bytes(fromText: text) == bytes, "\(text)")
        }
        #expect(texts[0] == "plain/name.mp4" && texts[8] == "é☃𝄞")
        #expect(texts[1] == "bad\\xff\\xfename.mp4")
        #expect(texts[4] == "back\\\\slash\\\\xff.mp4")
    }

    /// Writes `data` to a path given as bytes (Foundation's paths are Strings and cannot).
    static func write(_ data: Data, to path: FileSystemPath) throws {
        let fd = path.withCString { open($0, O_WRONLY | O_CREAT | O_EXCL, 0o644) }
        try #require(fd >= 0, "open: \(String(cString: strerror(errno)))")
        defer { close(fd) }
        let written = data.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        try #require(written == data.count)
    }

    @Test func aScanKeepsEveryFileWhateverItsNameBytes() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let root = try EvidencePaths.resolveFolder(try folder.sub("evidence"))
        let names: [[UInt8]] = [
            Array("bad".utf8) + [0xFF, 0xFE] + Array("name.mp4".utf8),
            Array("bad\u{FFFD}\u{FFFD}name.mp4".utf8),
            Array("bad".utf8) + [0xC3] + Array("name.mp4".utf8),
            Array("dir".utf8) + [0xFF] + Array("/clip.mp4".utf8),
            Array("back\\slash.mp4".utf8),
        ]
        var contents: [[UInt8]: Data] = [:]
        let base = FileSystemPath(root)
        #expect(base.appending(Array("dir".utf8) + [0xFF]).withCString { mkdir($0, 0o755) } == 0)
        for (i, name) in names.enumerated() {
            let source = folder.path + "/source\(i).mp4"
            try TestVideos.make(source, variant: i, seconds: 2)
            let data = try Data(contentsOf: URL(fileURLWithPath: source))
            try Self.write(data, to: base.appending(name))
            contents[name] = data
        }
        let store = try SQLiteCaseStore(path: folder.path + "/case.sqlite")
        let request = ScanRequest(root: root, collection: "case", settings: ScanSettings(sampling: .defaultInterval, timeBudget: 120, jobs: 2),
                                  commandLine: "test")
        let summary = try await ScanRunner(store: store).run(request)
        #expect(summary.allVideosDone && summary.counts[.done] == names.count, "\(summary.failedFiles.map { ($0.relativePath, $0.error) })")
        let files = try await store.files(collection: "case")
        #expect(files.count == names.count)
        for file in files {
            let bytes = EvidenceName.bytes(fromText: file.relativePath)
            let data = try #require(contents[bytes], "\(file.relativePath) names no file that was written")
            #expect(file.digests == CustodyHasher.digests(of: [UInt8](data)), "\(file.relativePath) was hashed from other bytes")
            #expect(file.state == .done)
        }
        #expect(Set(files.map(\.digests)).count == names.count)
    }

    /// A name that spells an FFmpeg protocol (`concat:`, `subfile,…:`) is only a name: the file's
    /// own bytes decide what it is, and its siblings are not read through it (issue #9).
    @Test func aNameThatSpellsAProtocolOpensNothingElse() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let root = try EvidencePaths.resolveFolder(try folder.sub("evidence"))
        try TestVideos.make(root + "/a.mp4", variant: 0, seconds: 2)
        try TestVideos.make(root + "/b.mp4", variant: 1, seconds: 2)
        let names = ["concat:a.mp4|b.mp4", "subfile,,start,0,end,0,,:a.mp4", "file:a.mp4"]
        for name in names { #expect(FileManager.default.createFile(atPath: root + "/" + name, contents: Data("just notes\n".utf8))) }
        let store = try SQLiteCaseStore(path: folder.path + "/case.sqlite")
        let request = ScanRequest(root: root, collection: "case", settings: ScanSettings(sampling: .defaultInterval, timeBudget: 60, jobs: 1),
                                  commandLine: "test")
        _ = try await ScanRunner(store: store).run(request)
        let files = Dictionary(uniqueKeysWithValues: try await store.files(collection: "case").map { ($0.relativePath, $0) })
        for name in names {
            // Named like a video (.mp4) but text: failed, as any text file named .mp4 is.
            #expect(files[name]?.state == .failed && files[name]?.frameCount == 0, "\(name): \(String(describing: files[name]?.error))")
            #expect(files[name]?.error?.contains("text") == true, "\(name): \(String(describing: files[name]?.error))")
        }
        #expect(files["a.mp4"]?.state == .done && files["b.mp4"]?.state == .done)
    }
}
