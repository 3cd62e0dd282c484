import Foundation
import Testing
@testable import KeyprintModel
@testable import KeyprintStore
@testable import KeyprintPipeline

/// How one bad file fails alone, and when a failed file is tried again (issue #14, defects 1, 10).
@Suite struct ScanFailureTests {
    static func request(_ root: String, budget: Double = 120, jobs: Int = 1) -> ScanRequest {
        ScanRequest(root: root, collection: "case", settings: ScanSettings(sampling: .defaultInterval, timeBudget: budget, jobs: jobs),
                    commandLine: "test")
    }

    /// A store that gives the outcome of one file two frames with one index, as a damaged
    /// stream's decoder once did: the real SQLite store then refuses it (UNIQUE constraint).
    final class DuplicateFrameStore: ForwardingStore, @unchecked Sendable {
        let victim: String
        init(base: SQLiteCaseStore, victim: String) { self.victim = victim; super.init(base: base) }
        override func commit(_ outcome: FileOutcome, scanID: Int64) async throws {
            var changed = outcome
            if try await base.file(id: outcome.fileID)?.relativePath == victim, let first = outcome.frames.first {
                changed.frames.append(first)
            }
            try await base.commit(changed, scanID: scanID)
        }
    }

    @Test func aFileWhoseHashesCannotBeStoredFailsAloneAndTheBatchGoesOn() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let root = try EvidencePaths.resolveFolder(try folder.sub("evidence"))
        for (i, name) in ["a.mp4", "b.mp4", "c.mp4"].enumerated() { try TestVideos.make(root + "/" + name, variant: i, seconds: 2) }
        let real = try SQLiteCaseStore(path: folder.path + "/case.sqlite")
        let summary = try await ScanRunner(store: DuplicateFrameStore(base: real, victim: "b.mp4")).run(Self.request(root))
        let files = Dictionary(uniqueKeysWithValues: try await real.files(collection: "case").map { ($0.relativePath, $0) })
        #expect(files["a.mp4"]?.state == .done && files["c.mp4"]?.state == .done)
        #expect(files["b.mp4"]?.state == .failed)
        #expect(files["b.mp4"]?.error?.contains("could not be stored") == true && files["b.mp4"]?.error?.contains("UNIQUE") == true,
                "\(files["b.mp4"]?.error ?? "")")
        #expect(try await real.frames(fileID: files["b.mp4"]!.id).isEmpty)
        #expect(summary.scan.outcome == .completedWithFailures)
        // A store failure of that kind is worth another try: the next scan takes the file again.
        #expect(files["b.mp4"]?.retry == .nextScan)
        let again = try await ScanRunner(store: real).run(Self.request(root))
        #expect(again.allVideosDone && again.scan.filesProcessed == 1)
    }

    /// The damaged Matroska file that once stopped every scan for good: random bytes over
    /// `samples/reuploads/call-c-grey.mkv` (SplitMix64 seed 2, 1,200 overwrites past the
    /// EBML header) made its decoder report one frame number twice.
    static func damagedMatroska(into path: String) throws {
        var bytes = [UInt8](try Data(contentsOf: TestPaths.samples.appendingPathComponent("reuploads/call-c-grey.mkv")))
        var rng = SplitMix64(seed: 2)
        for _ in 0..<1200 {
            let i = 200 + Int(rng.next() % UInt64(bytes.count - 200))
            bytes[i] = UInt8(truncatingIfNeeded: rng.next() & 0xFF)
        }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    @Test func aDamagedVideoDoesNotStopTheScan() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let root = try EvidencePaths.resolveFolder(try folder.sub("evidence"))
        try Self.damagedMatroska(into: root + "/b-damaged.mkv")
        try TestVideos.make(root + "/a.mp4", variant: 0, seconds: 2)
        try TestVideos.make(root + "/c.mp4", variant: 1, seconds: 2)
        let store = try SQLiteCaseStore(path: folder.path + "/case.sqlite")
        let summary = try await ScanRunner(store: store).run(Self.request(root))
        let files = Dictionary(uniqueKeysWithValues: try await store.files(collection: "case").map { ($0.relativePath, $0) })
        #expect(files["a.mp4"]?.state == .done && files["c.mp4"]?.state == .done)
        #expect(summary.counts[.pending] == nil && summary.counts[.running] == nil)
        // The damaged file fails on its own, or is stored with frame numbers that are unique.
        let damaged = try #require(files["b-damaged.mkv"])
        if damaged.state == .done {
            let indexes = try await store.frames(fileID: damaged.id).map(\.index)
            #expect(Set(indexes).count == indexes.count && !indexes.isEmpty)
        } else {
            #expect(damaged.state == .failed && damaged.error?.isEmpty == false)
        }
    }

    @Test func aFileThatRanOutOfTimeIsTriedAgainOnlyWithALargerBudget() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let root = try EvidencePaths.resolveFolder(try folder.sub("evidence"))
        try TestVideos.make(root + "/slow.mp4", variant: 0, seconds: 2)
        let store = try SQLiteCaseStore(path: folder.path + "/case.sqlite")
        // A budget of a millisecond is shorter than opening any video takes.
        let first = try await ScanRunner(store: store).run(Self.request(root, budget: 0.001))
        let failed = try #require(try await store.files(collection: "case").first)
        #expect(failed.state == .failed && failed.retry == .budgetOver(0.001), "\(failed.error ?? "") \(failed.retry)")
        #expect(first.scan.filesFailed == 1)
        let same = try await ScanRunner(store: store).run(Self.request(root, budget: 0.001))
        #expect(same.scan.filesUnchanged == 1 && same.scan.filesProcessed == 0)
        let larger = try await ScanRunner(store: store).run(Self.request(root, budget: 120))
        #expect(larger.scan.filesProcessed == 1 && larger.allVideosDone)
        #expect(try await store.files(collection: "case").first?.state == .done)
    }
}

/// Progress inside a file (issue #14, defect 12): one long file shows frames and bytes before it
/// is committed.
@Suite struct InFlightProgressTests {
    final class Recorder: @unchecked Sendable {
        private let lock = NSLock()
        private var seen: [ScanProgress] = []
        func add(_ p: ScanProgress) { lock.withLock { seen.append(p) } }
        var all: [ScanProgress] { lock.withLock { seen } }
    }

    @Test func oneLongFileReportsFramesAndBytesBeforeItIsDone() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let root = try EvidencePaths.resolveFolder(try folder.sub("evidence"))
        try TestVideos.make(root + "/long.mp4", variant: 0, seconds: 20)
        let store = try SQLiteCaseStore(path: folder.path + "/case.sqlite")
        var runner = ScanRunner(store: store)
        runner.progressInterval = 0
        let recorder = Recorder()
        let request = ScanRequest(root: root, collection: "case", settings: ScanSettings(sampling: .allFrames, timeBudget: 120, jobs: 1),
                                  commandLine: "test")
        _ = try await runner.run(request) { recorder.add($0) }
        let during = recorder.all.filter { $0.filesDone == 0 }
        let size = try #require(try await store.files(collection: "case").first?.size)
        #expect(during.contains { $0.frames > 0 && $0.bytesDone > 0 && $0.bytesDone < size }, "\(during.suffix(3))")
        // Counts only grow, and the last report is the committed file.
        #expect(zip(recorder.all, recorder.all.dropFirst()).allSatisfy { $0.frames <= $1.frames && $0.bytesDone <= $1.bytesDone })
        #expect(recorder.all.last?.filesDone == 1 && recorder.all.last?.bytesDone == size && recorder.all.last?.frames == 500)
    }
}

/// The fuzzer's first finding (docs/robustness.md): six bytes changed in
/// `samples/reuploads/call-c-letterbox-blur.mp4` gave five sampled frames one frame number, and
/// the file could not be stored. Frame numbers now only grow.
@Suite struct FuzzFindingTests {
    static func finding1(into path: String) throws {
        var bytes = [UInt8](try Data(contentsOf: TestPaths.samples.appendingPathComponent("reuploads/call-c-letterbox-blur.mp4")))
        for (offset, value) in [(65933, 0o142), (79256, 0o246), (79257, 0o155), (83350, 0o377), (83351, 0o377), (83352, 0o376)] {
            bytes[offset] = UInt8(value)
        }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    @Test func damagedTimestampsStillGiveGrowingFrameNumbers() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let root = try EvidencePaths.resolveFolder(try folder.sub("evidence"))
        try Self.finding1(into: root + "/finding1.mp4")
        let store = try SQLiteCaseStore(path: folder.path + "/case.sqlite")
        let request = ScanRequest(root: root, collection: "case", settings: ScanSettings(sampling: .defaultInterval, timeBudget: 60, jobs: 1),
                                  commandLine: "test")
        _ = try await ScanRunner(store: store).run(request)
        let file = try #require(try await store.files(collection: "case").first)
        #expect(file.state == .done, "\(file.error ?? "")")
        let indexes = try await store.frames(fileID: file.id).map(\.index)
        #expect(indexes.count >= 5 && zip(indexes, indexes.dropFirst()).allSatisfy { $0 < $1 }, "\(indexes)")
    }
}

/// The fuzzer's second and third findings (docs/robustness.md): damaged AVI files whose
/// stream header gave a 0×0 picture while frames decoded were stored `done` with 0×0 media
/// facts. The size now comes from the first decoded frame where the header has none.
@Suite struct MediaSizeTests {
    static func facts(width: Int, height: Int, rotation: Int) -> MediaInfo {
        MediaInfo(container: "avi", codec: "mpeg4", width: width, height: height, displayWidth: width, displayHeight: height,
                  rotation: rotation, pixelFormat: "yuv420p", duration: 2, creationTime: nil, isStillImage: false)
    }

    @Test func aHeaderWithoutASizeTakesTheFirstFramesSize() {
        let fixed = Self.facts(width: 0, height: 0, rotation: 0).withSize(ofFirstFrame: (160, 120))
        #expect(fixed.width == 160 && fixed.height == 120 && fixed.displayWidth == 160 && fixed.displayHeight == 120)
        // Upright frames of a turned stream: the coded size is the other way round.
        let turned = Self.facts(width: 0, height: 0, rotation: 90).withSize(ofFirstFrame: (120, 160))
        #expect(turned.width == 160 && turned.height == 120 && turned.displayWidth == 120 && turned.displayHeight == 160)
        // A header that has a size keeps it; no frame changes nothing.
        #expect(Self.facts(width: 320, height: 240, rotation: 0).withSize(ofFirstFrame: (160, 120)).width == 320)
        #expect(Self.facts(width: 0, height: 0, rotation: 0).withSize(ofFirstFrame: nil).width == 0)
    }
}
