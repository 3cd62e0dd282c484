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

/// One file through `FileProcessor` when the file is not what it claims, or changes, while it
/// is scanned: adversarial files generated at test time.
@Suite struct FileProcessorTests {
    static let settings = ScanSettings(sampling: .defaultInterval, timeBudget: 60, jobs: 1)

    /// The walk's stamp of `path` now (lstat).
    static func stamp(_ path: String) -> FileStamp {
        var status = stat()
        guard lstat(path, &status) == 0 else { return FileStamp(size: 0, mtimeNanoseconds: 0) }
        return FileStamp(size: Int64(status.st_size),
                         mtimeNanoseconds: Int64(status.st_mtim.tv_sec) * 1_000_000_000 + Int64(status.st_mtim.tv_nsec))
    }

    static func job(_ root: String, _ relative: String) -> FileProcessor.Job {
        FileProcessor.Job(fileID: 1, relativePath: relative, stamp: stamp(root + "/" + relative), verifyAgainst: nil)
    }

    static func outcome(_ result: FileProcessor.Result) throws -> FileOutcome {
        guard case .outcome(let outcome) = result else {
            Issue.record("expected an outcome, got \(result)")
            throw TestToolError(message: "no outcome")
        }
        return outcome
    }

    // MARK: Playlists and lists named like videos

    enum ListFile: String, CaseIterable, Sendable {
        case hlsAbsolute, hlsRelative, concatSibling, concatAbsolute
    }

    /// A playlist or list named `innocent.mp4` in `evidence/`, naming a real video: outside the
    /// folder (by absolute path or `../`), or, for concat (whose `safe` mode refuses both), a
    /// sibling file that is not the one being scanned.
    @Test(arguments: ListFile.allCases)
    func aPlaylistNamedLikeAVideoOpensNothingElse(_ kind: ListFile) async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let root = try EvidencePaths.resolveFolder(try folder.sub("evidence"))
        let outside = folder.path + "/outside.mp4"
        try TestVideos.make(outside, variant: 2, seconds: 3)
        try TestVideos.run("ffmpeg", ["-v", "error", "-y", "-i", outside, "-c", "copy", "-f", "mpegts", folder.path + "/outside.ts"])
        let text: String
        switch kind {
        case .hlsAbsolute:
            text = "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:10\n#EXT-X-MEDIA-SEQUENCE:0\n#EXTINF:3.0,\n\(folder.path)/outside.ts\n#EXT-X-ENDLIST\n"
        case .hlsRelative:
            text = "#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:3.0,\n../outside.ts\n#EXT-X-ENDLIST\n"
        case .concatSibling:
            try FileManager.default.copyItem(atPath: outside, toPath: root + "/sibling.bin")
            text = "ffconcat version 1.0\nfile 'sibling.bin'\n"
        case .concatAbsolute:
            text = "ffconcat version 1.0\nfile '\(outside)'\n"
        }
        try Data(text.utf8).write(to: URL(fileURLWithPath: root + "/innocent.mp4"))

        let outcome = try Self.outcome(FileProcessor(root: root, settings: Self.settings).process(Self.job(root, "innocent.mp4")))
        // No frame of the other file, and a reason that says what the file is.
        #expect(outcome.frames.isEmpty && outcome.regionFrames.isEmpty && outcome.decodedFrames == nil && outcome.media == nil)
        #expect(outcome.state == .failed || outcome.state == .skipped)
        #expect(outcome.error?.contains("playlist or list of other files") == true, "\(outcome.error ?? "no error")")
        #expect(outcome.error?.contains("which are not opened") == true)
        // The custody hashes describe the list's own bytes.
        #expect(outcome.digests == CustodyHasher.digests(of: Array(text.utf8)))
    }

    // MARK: A file that changes during its scan

    enum Rewrite: String, CaseIterable, Sendable {
        /// Bytes appended between hashing and decoding.
        case appendAfterHashing
        /// The content overwritten in place (same size) after decoding; the time moves.
        case overwriteAfterDecoding
        /// Another file renamed over the path after decoding (the descriptor still reads the old one).
        case renameOverAfterDecoding
    }

    @Test(arguments: Rewrite.allCases)
    func aFileRewrittenDuringItsScanIsFailedAndRetriedNextScan(_ rewrite: Rewrite) async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let root = try EvidencePaths.resolveFolder(try folder.sub("evidence"))
        let path = root + "/clip.mp4"
        try TestVideos.make(path, variant: 0, seconds: 2)
        try TestVideos.make(folder.path + "/other.mp4", variant: 3, seconds: 2)
        let size = try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
        var processor = FileProcessor(root: root, settings: Self.settings)
        let other = folder.path + "/other.mp4"
        switch rewrite {
        case .appendAfterHashing:
            processor.hooks.afterHashing = { path in
                let handle = FileHandle(forWritingAtPath: path)!
                handle.seekToEndOfFile()
                handle.write(Data(repeating: 0x42, count: 1000))
                try? handle.close()
            }
        case .overwriteAfterDecoding:
            processor.hooks.afterDecoding = { path in
                let handle = FileHandle(forWritingAtPath: path)!
                handle.seek(toFileOffset: 100)
                handle.write(Data(repeating: 0, count: 64))
                try? handle.close()
                // Make sure the time moves even on a coarse clock.
                var times = [timespec(tv_sec: 1_000_000_000, tv_nsec: 0), timespec(tv_sec: 1_000_000_000, tv_nsec: 0)]
                _ = utimensat(AT_FDCWD, path, &times, 0)
            }
        case .renameOverAfterDecoding:
            processor.hooks.afterDecoding = { path in
                let staged = path + ".new"
                try? FileManager.default.copyItem(atPath: other, toPath: staged)
                _ = Foundation.rename(staged, path)
            }
        }
        let job = Self.job(root, "clip.mp4")
        let outcome = try Self.outcome(processor.process(job))
        #expect(outcome.state == .failed)
        let error = outcome.error ?? ""
        #expect(error.hasPrefix("the file changed while it was scanned ("), "\(error)")
        #expect(error.hasSuffix("); it will be retried on the next scan"), "\(error)")
        switch rewrite {
        case .appendAfterHashing: #expect(error.contains("size \(size) → \(size + 1000) bytes"), "\(error)")
        case .overwriteAfterDecoding: #expect(error.contains("modification time"), "\(error)")
        case .renameOverAfterDecoding: #expect(error.contains("the path now names another file"), "\(error)")
        }
        // Nothing of either content is stored as the file's: no frames, no digests, no facts.
        #expect(outcome.frames.isEmpty && outcome.regionFrames.isEmpty && outcome.shots.isEmpty)
        #expect(outcome.digests == nil && outcome.media == nil && outcome.hashedAt == nil)

        // Stored, the next scan takes the file up again whatever its stamp now is.
        let store = try SQLiteCaseStore(path: folder.path + "/case.sqlite")
        let scan = try await store.beginScan(root: root, collection: "c", settings: Self.settings, commandLine: "test", versions: "v")
        let id = try await store.markPending(collection: "c", root: root, relativePath: "clip.mp4", stamp: job.stamp, scanID: scan.id)
        var stored = outcome
        stored.fileID = id
        try await store.commit(stored, scanID: scan.id)
        let file = try #require(try await store.file(id: id))
        #expect(file.state == .failed && file.frameCount == 0 && file.digests == nil)
        let runner = ScanRunner(store: store)
        #expect(runner.decideUnchanged(file, stamp: Self.stamp(path), settings: Self.settings) == nil)
        #expect(runner.decideUnchanged(file, stamp: job.stamp, settings: Self.settings) == nil)
    }

    @Test func anUnchangedFileIsDoneWithItsOwnFrames() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let root = try EvidencePaths.resolveFolder(try folder.sub("evidence"))
        try TestVideos.make(root + "/clip.mp4", variant: 0, seconds: 2)
        let outcome = try Self.outcome(FileProcessor(root: root, settings: Self.settings).process(Self.job(root, "clip.mp4")))
        #expect(outcome.state == .done && outcome.error == nil && outcome.warnings.isEmpty)
        let expected = try VideoHasher.hashes(path: root + "/clip.mp4", options: Self.settings.decodeOptions)
        // The scan adds the turned hashes (issue 13) to what `keyprint hash` computes.
        #expect(outcome.frames.allSatisfy { $0.dihedral != nil })
        #expect(outcome.frames.map { f in var g = f; g.dihedral = nil; return g } == expected && !expected.isEmpty)
        #expect(outcome.digests == CustodyHasher.digests(of: Array(try Data(contentsOf: URL(fileURLWithPath: root + "/clip.mp4")))))
    }

    // MARK: Not a regular file

    /// Runs `body` on a thread and waits at most `seconds`; nil when it did not return.
    final class Box<T>: @unchecked Sendable {
        var value: T?
        let done = DispatchSemaphore(value: 0)
    }

    static func withTimeout<T: Sendable>(_ seconds: Double, _ body: @escaping @Sendable () -> T) -> T? {
        let box = Box<T>()
        Thread { box.value = body(); box.done.signal() }.start()
        return box.done.wait(timeout: .now() + seconds) == .success ? box.value : nil
    }

    @Test func aFIFOReturnsPromptlyWithAFailure() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let root = try EvidencePaths.resolveFolder(try folder.sub("evidence"))
        let fifo = root + "/swapped.mp4"
        #expect(mkfifo(fifo, 0o600) == 0)
        let processor = FileProcessor(root: root, settings: Self.settings)
        let job = FileProcessor.Job(fileID: 1, relativePath: "swapped.mp4", stamp: FileStamp(size: 0, mtimeNanoseconds: 0), verifyAgainst: nil)
        let result = Self.withTimeout(10) { processor.process(job) }
        guard let result else {
            // Blocked in open(2): a writer releases it, so that the thread can end.
            let writer = open(fifo, O_WRONLY | O_NONBLOCK)
            if writer >= 0 { close(writer) }
            Issue.record("processing a FIFO did not return within 10 s")
            return
        }
        let outcome = try Self.outcome(result)
        #expect(outcome.state == .failed)
        #expect(outcome.error == "not a regular file (a FIFO); only regular files are read", "\(outcome.error ?? "no error")")
        #expect(outcome.frames.isEmpty && outcome.digests == nil)
    }

    // MARK: Truncated video

    @Test func aTruncatedMatroskaFileIsDoneWithAStoredWarning() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let root = try EvidencePaths.resolveFolder(try folder.sub("evidence"))
        let full = folder.path + "/full.mkv"
        try TestVideos.run("ffmpeg", ["-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25", "-t", "12",
                                      "-c:v", "libx264", "-preset", "ultrafast", "-g", "25", "-pix_fmt", "yuv420p", full])
        let bytes = try Data(contentsOf: URL(fileURLWithPath: full))
        try bytes.prefix(bytes.count / 6).write(to: URL(fileURLWithPath: root + "/cut.mkv"))

        let outcome = try Self.outcome(FileProcessor(root: root, settings: Self.settings).process(Self.job(root, "cut.mkv")))
        #expect(outcome.state == .done, "\(outcome.error ?? "")")
        #expect(!outcome.frames.isEmpty && outcome.frames.count < 12)
        #expect(outcome.media?.duration.map { $0 > 11 } == true)
        let warning = try #require(outcome.warnings.first)
        #expect(warning.contains("of its stated 12.0 s: the file looks truncated") || warning.hasPrefix("decoding stopped early at"), "\(warning)")

        // The warning is in the stored row; the file stays done with its frames.
        let store = try SQLiteCaseStore(path: folder.path + "/case.sqlite")
        let scan = try await store.beginScan(root: root, collection: "c", settings: Self.settings, commandLine: "test", versions: "v")
        let id = try await store.markPending(collection: "c", root: root, relativePath: "cut.mkv", stamp: Self.stamp(root + "/cut.mkv"), scanID: scan.id)
        var stored = outcome
        stored.fileID = id
        try await store.commit(stored, scanID: scan.id)
        let file = try #require(try await store.file(id: id))
        #expect(file.state == .done && file.frameCount == outcome.frames.count)
        #expect(file.warning == outcome.warnings.joined(separator: "; "))

        // The whole file decodes without a warning.
        try FileManager.default.copyItem(atPath: full, toPath: root + "/full.mkv")
        let whole = try Self.outcome(FileProcessor(root: root, settings: Self.settings).process(Self.job(root, "full.mkv")))
        #expect(whole.state == .done && whole.warnings.isEmpty && whole.frames.count == 12)
    }

    // MARK: Old verdicts and the time budget

    @Test func emptyAndGarbageFilesKeepTheirVerdicts() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let root = try EvidencePaths.resolveFolder(try folder.sub("evidence"))
        #expect(FileManager.default.createFile(atPath: root + "/empty.mp4", contents: Data()))
        #expect(FileManager.default.createFile(atPath: root + "/random.mp4", contents: Data(pseudoRandomBytes(count: 50_000))))
        #expect(FileManager.default.createFile(atPath: root + "/noise.bin", contents: Data(pseudoRandomBytes(count: 50_000, seed: 3))))
        #expect(FileManager.default.createFile(atPath: root + "/notes.txt", contents: Data("Case notes.\n".utf8)))
        let processor = FileProcessor(root: root, settings: Self.settings)
        let expected: [(String, FileState, String)] = [
            ("empty.mp4", .failed, "named like a video but an empty file (0 bytes); nothing to decode"),
            ("random.mp4", .failed, "cannot open as media: Invalid data found when processing input (avformat_open_input); the content looks like unrecognised binary data"),
            ("noise.bin", .skipped, "not a video: unrecognised binary data (FFmpeg: cannot open as media: Invalid data found when processing input (avformat_open_input))"),
            ("notes.txt", .skipped, "not a video: text"),
        ]
        for (name, state, reason) in expected {
            let outcome = try Self.outcome(processor.process(Self.job(root, name)))
            #expect(outcome.state == state, "\(name)")
            #expect(outcome.error == reason, "\(name): \(outcome.error ?? "no error")")
            #expect(outcome.frames.isEmpty && outcome.warnings.isEmpty, "\(name)")
            #expect(outcome.digests != nil, "\(name)")
        }
    }

    /// The budget starts when processing starts: custody hashing counts. A large text file is
    /// never decoded, so before the budget covered hashing it was simply `skipped`.
    @Test func theTimeBudgetCoversCustodyHashing() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let root = try EvidencePaths.resolveFolder(try folder.sub("evidence"))
        let line = Data("evidence log line, nothing to see here\n".utf8)
        var text = Data()
        while text.count < 32 << 20 { text.append(line) }
        try text.write(to: URL(fileURLWithPath: root + "/log.txt"))
        let settings = ScanSettings(sampling: .defaultInterval, timeBudget: 0.01, jobs: 1)
        let outcome = try Self.outcome(FileProcessor(root: root, settings: settings).process(Self.job(root, "log.txt")))
        #expect(outcome.state == .failed)
        #expect(outcome.error == "per-file time budget of 0.010 s exceeded", "\(outcome.error ?? "no error")")
        #expect(outcome.digests == nil)
    }
}
