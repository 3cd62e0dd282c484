import Foundation
import Testing
@testable import KeyprintModel
@testable import KeyprintDecode
@testable import KeyprintHash
@testable import KeyprintPipeline

/// Thumbnails cut from real files of `samples/` at the times a scan samples: each JPEG shows
/// the frame whose hash the scan stored (its PDQ hash, read back through FFmpeg, is close to the
/// stored one and far from other frames'), upright, and a changed file is refused.
@Suite struct ThumbnailCutterTests {
    static func sample(_ relative: String) -> String { TestPaths.samples.appendingPathComponent(relative).path }

    /// The scan's frame hashes of a sample (1 frame a second, as `keyprint scan`).
    static func scanned(_ path: String) throws -> [FrameHash] {
        var hashes: [FrameHash] = []
        _ = try VideoHasher.hash(path: path, options: DecodeOptions()) { hashes.append($0) }
        return hashes
    }

    /// The PDQ hash of a JPEG file's picture, decoded by FFmpeg as an image.
    static func hashOfJPEG(_ bytes: [UInt8], in folder: TemporaryFolder, name: String) throws -> (PDQHash, Int, Int) {
        let path = folder.path + "/" + name
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let reader = try VideoReader(path: path, options: DecodeOptions())
        var frames: [LumaFrame] = []
        try reader.forEachSample { frames.append($0) }
        let frame = try #require(frames.first)
        return (PDQHasher().hash(frame).hash, frame.width, frame.height)
    }

    static func cutter(_ path: String, maxWidth: Int = 240) throws -> ThumbnailCutter {
        var info = stat()
        #expect(lstat(path, &info) == 0)
        let stamp = EvidenceWalker.stamp(info)
        return try ThumbnailCutter(fileSystemPath: FileSystemPath(path), displayPath: path, scannedSize: stamp.size,
                                   scannedModificationNanoseconds: stamp.mtimeNanoseconds, maxWidth: maxWidth)
    }

    @Test(arguments: ["captures/call-a.mp4", "reuploads/call-b-trim.webm", "decode/portrait-rotate90.mp4",
                      "decode/anamorphic-sar4x3.avi", "decode/hevc-10bit.mp4"])
    func thumbnailShowsTheStoredFrame(_ relative: String) throws {
        let path = Self.sample(relative)
        let frames = try Self.scanned(path).filter { $0.quality >= 50 }
        try #require(frames.count >= 3, "too few sampled frames in \(relative)")
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let cutter = try Self.cutter(path)
        let reader = try VideoReader(path: path)
        #expect(cutter.width <= 240 && cutter.width % 2 == 0 && cutter.height % 2 == 0)
        // Upright and in display shape: the same orientation as the picture the scan hashed.
        #expect((cutter.width > cutter.height) == (reader.info.displayWidth > reader.info.displayHeight))
        let picked = [frames[0], frames[frames.count / 2], frames[frames.count - 1]]
        for (n, frame) in picked.enumerated() {
            let thumbnail = try cutter.cut(at: frame.timestamp)
            #expect(thumbnail.frameTime == frame.timestamp, "\(relative): asked \(frame.timestamp), shown \(thumbnail.frameTime)")
            #expect(Array(thumbnail.jpeg.prefix(2)) == [0xFF, 0xD8] && Array(thumbnail.jpeg.suffix(2)) == [0xFF, 0xD9])
            let (hash, w, h) = try Self.hashOfJPEG(thumbnail.jpeg, in: folder, name: "t\(n).jpg")
            #expect(w == cutter.width && h == cutter.height)
            let own = hash.distance(to: frame.hash)
            // A thumbnail is small (240 px) and lossy: near its own frame's hash (measured: 42
            // bits at most on these files, most under 20)…
            #expect(own <= 56, "\(relative) at \(frame.timestamp): \(own) bits from the stored hash")
            // …and nearer to it than to any frame of the file that differs from it.
            for other in frames where other.hash.distance(to: frame.hash) > 64 {
                #expect(hash.distance(to: other.hash) > own, "\(relative): thumbnail at \(frame.timestamp) is nearer \(other.timestamp)")
            }
        }
        try cutter.verifyUnchanged()
    }

    @Test func seeksBackwardsAndForwards() throws {
        let path = Self.sample("captures/call-a.mp4")
        let frames = try Self.scanned(path)
        let cutter = try Self.cutter(path)
        for frame in [frames[12], frames[3], frames[17], frames[0], frames[3]] {
            #expect(try cutter.cut(at: frame.timestamp).frameTime == frame.timestamp)
        }
        // Between two frames the one shown then is the earlier.
        let between = try cutter.cut(at: frames[5].timestamp + 0.01)
        #expect(between.frameTime >= frames[5].timestamp && between.frameTime <= frames[5].timestamp + 0.01)
    }

    @Test func changedFileIsRefusedNotThumbnailed() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let path = folder.path + "/copy.mp4"
        try FileManager.default.copyItem(atPath: Self.sample("captures/call-a.mp4"), toPath: path)
        var info = stat()
        #expect(lstat(path, &info) == 0)
        let stamp = EvidenceWalker.stamp(info)
        #expect(throws: ThumbnailCutter.Failure.self) {
            _ = try ThumbnailCutter(fileSystemPath: FileSystemPath(path), displayPath: path, scannedSize: stamp.size + 1,
                                    scannedModificationNanoseconds: stamp.mtimeNanoseconds)
        }
        do {
            _ = try ThumbnailCutter(fileSystemPath: FileSystemPath(path), displayPath: path, scannedSize: stamp.size,
                                    scannedModificationNanoseconds: stamp.mtimeNanoseconds - 1_000_000_000)
            Issue.record("a file with another modification time was opened")
        } catch {
            #expect(error.description.contains("changed since it was scanned"), "\(error)")
        }
        // Changed after opening: caught by the check after cutting.
        let cutter = try ThumbnailCutter(fileSystemPath: FileSystemPath(path), displayPath: path, scannedSize: stamp.size,
                                         scannedModificationNanoseconds: stamp.mtimeNanoseconds)
        _ = try cutter.cut(at: 1)
        let handle = try #require(FileHandle(forWritingAtPath: path))
        handle.seekToEndOfFile()
        handle.write(Data([0]))
        try handle.close()
        #expect(throws: ThumbnailCutter.Failure.self) { try cutter.verifyUnchanged() }
        // A symbolic link is never followed.
        try FileManager.default.createSymbolicLink(atPath: folder.path + "/link.mp4", withDestinationPath: path)
        #expect(throws: ThumbnailCutter.Failure.self) {
            _ = try ThumbnailCutter(fileSystemPath: FileSystemPath(folder.path + "/link.mp4"), displayPath: "link.mp4",
                                    scannedSize: nil, scannedModificationNanoseconds: nil)
        }
    }
}
