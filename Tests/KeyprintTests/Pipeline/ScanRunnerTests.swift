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

@Suite struct ScanRunnerTests {
    static func request(_ root: String, jobs: Int = 2) -> ScanRequest {
        ScanRequest(root: root, collection: "case", settings: ScanSettings(sampling: .defaultInterval, timeBudget: 120, jobs: jobs),
                    commandLine: "test")
    }

    @Test func rescanOfAnUnchangedFolderDecodesNothingAndAChangedFileIsReprocessed() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let root = try EvidencePaths.resolveFolder(try folder.sub("evidence"))
        try TestVideos.make(root + "/one.mp4", variant: 0)
        try TestVideos.make(root + "/two.mp4", variant: 1)
        try TestVideos.make(folder.path + "/other.mp4", variant: 2, seconds: 2)
        let store = try SQLiteCaseStore(path: folder.path + "/case.sqlite")
        let runner = ScanRunner(store: store)

        let first = try await runner.run(Self.request(root))
        #expect(first.scan.filesProcessed == 2 && first.counts[.done] == 2 && first.allVideosDone)
        let before = try await store.files(collection: "case")
        let oneID = try #require(before.first { $0.relativePath == "one.mp4" }?.id)
        let twoID = try #require(before.first { $0.relativePath == "two.mp4" }?.id)
        let twoFrames = try await store.frames(fileID: twoID)

        let second = try await runner.run(Self.request(root))
        #expect(second.scan.filesProcessed == 0)
        #expect(second.scan.filesUnchanged == 2)
        #expect(try await store.audit(scanID: second.scan.id).allSatisfy { $0.event != AuditEvent.fileDone })
        #expect(try await store.frames(fileID: twoID) == twoFrames)

        // Replace one.mp4 with other content: its frames must become those of the new content.
        try FileManager.default.removeItem(atPath: root + "/one.mp4")
        try FileManager.default.copyItem(atPath: folder.path + "/other.mp4", toPath: root + "/one.mp4")
        let third = try await runner.run(Self.request(root))
        #expect(third.scan.filesProcessed == 1)
        let expected = try VideoHasher.hashes(path: folder.path + "/other.mp4", options: ScanSettings(sampling: .defaultInterval, timeBudget: nil, jobs: 1).decodeOptions)
        #expect(try await store.frames(fileID: oneID).map(\.frameHash) == expected)
        #expect(try await store.file(id: oneID)?.digests == CustodyHasher.digests(of: Array(try Data(contentsOf: URL(fileURLWithPath: folder.path + "/other.mp4")))))
        #expect(try await store.frames(fileID: twoID) == twoFrames)
    }

    static func setModificationTime(_ path: String, nanoseconds: Int64) -> Bool {
        let t = timespec(tv_sec: Int(nanoseconds / 1_000_000_000), tv_nsec: Int(nanoseconds % 1_000_000_000))
        var times = [t, t]
        return utimensat(AT_FDCWD, path, &times, 0) == 0
    }

    /// Writes seed-1 bytes stamped `mtime`, scans, rewrites the file with seed-2 bytes of the
    /// same size and the same `mtime`, scans again. Returns (second run, digests after).
    static func rewriteWithSameStamp(mtime: Int64) async throws -> (ScanRecord, CustodyDigests, CustodyDigests) {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let root = try EvidencePaths.resolveFolder(try folder.sub("evidence"))
        let path = root + "/data.bin"
        try Data(pseudoRandomBytes(count: 4096, seed: 1)).write(to: URL(fileURLWithPath: path))
        #expect(setModificationTime(path, nanoseconds: mtime))
        let store = try SQLiteCaseStore(path: folder.path + "/case.sqlite")
        let runner = ScanRunner(store: store)
        _ = try await runner.run(request(root))
        let first = try #require(try await store.files(collection: "case").first?.digests)
        try Data(pseudoRandomBytes(count: 4096, seed: 2)).write(to: URL(fileURLWithPath: path))
        #expect(setModificationTime(path, nanoseconds: mtime))
        let second = try await runner.run(request(root))
        return (second.scan, first, try #require(try await store.files(collection: "case").first?.digests))
    }

    @Test func sameSizeAndTimeButNewContentIsCaughtByTheContentHashWhenTheTimeIsInDoubt() async throws {
        // A modification time later than the hash time: a write in the same tick would not show.
        let future = Int64((Date().timeIntervalSince1970 + 3600) * 1e9)
        let (scan, first, after) = try await Self.rewriteWithSameStamp(mtime: future)
        #expect(scan.filesProcessed == 1)
        #expect(after != first)
        #expect(after == CustodyHasher.digests(of: pseudoRandomBytes(count: 4096, seed: 2)))
    }

    @Test func anOldUnchangedStampIsTrustedWithoutReadingTheFile() async throws {
        let past = Int64((Date().timeIntervalSince1970 - 86_400) * 1e9)
        let (scan, first, after) = try await Self.rewriteWithSameStamp(mtime: past)
        #expect(scan.filesProcessed == 0)
        #expect(scan.filesUnchanged == 1)
        #expect(after == first)
    }

    @Test func aStillImageIsHashedAsOneFrame() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let root = try EvidencePaths.resolveFolder(try folder.sub("evidence"))
        try TestVideos.run("ffmpeg", ["-v", "error", "-f", "lavfi", "-i", "testsrc2=size=160x120", "-frames:v", "1", root + "/still.png"])
        let store = try SQLiteCaseStore(path: folder.path + "/case.sqlite")
        let summary = try await ScanRunner(store: store).run(Self.request(root))
        let file = try #require(try await store.files(collection: "case").first)
        #expect(summary.allVideosDone)
        #expect(file.state == .done && file.frameCount == 1 && file.media?.isStillImage == true)
    }

    @Test func aStoreThatStopsWritingStopsTheBatchAndTheNextRunFinishesIt() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let root = try EvidencePaths.resolveFolder(try folder.sub("evidence"))
        for i in 0..<4 { try TestVideos.make(root + "/v\(i).mp4", variant: i, seconds: 1) }
        let real = try SQLiteCaseStore(path: folder.path + "/case.sqlite")
        await #expect(throws: StoreError.self) {
            _ = try await ScanRunner(store: FaultyStore(base: real, failAt: 2)).run(Self.request(root, jobs: 1))
        }
        let counts = Dictionary(uniqueKeysWithValues: try await real.stateCounts().map { ($0.state, $0.count) })
        #expect(counts[.done] == 1)
        for file in try await real.files(collection: "case") where file.state != .done {
            #expect(try await real.frames(fileID: file.id).isEmpty)
        }
        let summary = try await ScanRunner(store: real).run(Self.request(root))
        #expect(summary.allVideosDone && summary.counts[.done] == 4)
    }
}
