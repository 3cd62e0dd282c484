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

/// Decoding real files from `samples/` (committed, so these always run).
@Suite struct VideoReaderTests {
    static func sample(_ relative: String) -> String { TestPaths.samples.appendingPathComponent(relative).path }

    static func frames(_ relative: String, _ sampling: SamplingMode) throws -> (MediaInfo, [LumaFrame]) {
        let path = relative.hasPrefix("/") ? relative : sample(relative)
        let reader = try VideoReader(path: path, options: DecodeOptions(sampling: sampling))
        var frames: [LumaFrame] = []
        try reader.forEachSample { frames.append($0) }
        return (reader.info, frames)
    }

    @Test func rotatedPhoneCaptureDecodesUpright() async throws {
        let (info, frames) = try Self.frames("decode/portrait-rotate90.mp4", .interval(seconds: 1))
        // Stored turned 90° clockwise; the display matrix asks for 90° counter-clockwise,
        // which we apply as 270° clockwise (as ffmpeg's autorotate does).
        #expect(info.rotation == 270)
        #expect(info.width == 320 && info.height == 180)
        #expect(info.displayWidth == 180 && info.displayHeight == 320)
        let first = try #require(frames.first)
        #expect(first.width == 180 && first.height == 320)
        // The picture has a white bar reading "TOP" along its top edge when upright.
        func meanRows(_ rows: Range<Int>) -> Float {
            var sum: Float = 0
            for y in rows { for x in 0..<first.width { sum += first.pixels[y * first.width + x] } }
            return sum / Float(rows.count * first.width)
        }
        #expect(meanRows(0..<20) > meanRows(300..<320) + 60, "top \(meanRows(0..<20)) bottom \(meanRows(300..<320))")
    }

    @Test func oddDimensionsDecode() async throws {
        let (info, frames) = try Self.frames("decode/odd-321x241.webm", .interval(seconds: 1))
        #expect(info.width == 321 && info.height == 241)
        #expect(info.codec == "vp8")
        #expect(frames.count >= 3)
        #expect(frames.allSatisfy { $0.width == 321 && $0.height == 241 })
    }

    @Test func tenBitHEVCDecodes() async throws {
        let (info, frames) = try Self.frames("decode/hevc-10bit.mp4", .interval(seconds: 1))
        #expect(info.codec == "hevc")
        #expect(info.pixelFormat.contains("10"))
        let hash = PDQHasher().hash(try #require(frames.first))
        #expect(hash.quality >= 50)
    }

    @Test func sampleAspectRatioGivesDisplaySize() async throws {
        let (info, frames) = try Self.frames("decode/anamorphic-sar4x3.avi", .keyframes)
        #expect(info.container == "avi")
        #expect(info.width == 480 && info.height == 360)
        #expect(info.displayWidth == 640 && info.displayHeight == 360)
        #expect(!frames.isEmpty)
    }

    @Test func intervalSamplingFollowsPresentationTime() async throws {
        let (info, frames) = try Self.frames("captures/call-a.mp4", .interval(seconds: 1))
        let duration = try #require(info.duration)
        #expect(frames.count == Int(duration.rounded(.up)))
        for (k, frame) in frames.enumerated() {
            // First frame at or after k seconds: within one frame (1/24 s) of it.
            #expect(frame.timestamp >= Double(k) - 1e-6 && frame.timestamp < Double(k) + 1.0 / 24 + 1e-6, "sample \(k) at \(frame.timestamp)")
        }
        let (_, half) = try Self.frames("captures/call-a.mp4", .interval(seconds: 0.5))
        #expect(half.count == 2 * frames.count || half.count == 2 * frames.count - 1)
    }

    @Test func allFramesAndKeyframes() async throws {
        let (_, all) = try Self.frames("captures/call-a.mp4", .allFrames)
        #expect(all.count == 431)
        #expect(all.map(\.index) == Array(0..<all.count))
        #expect(zip(all, all.dropFirst()).allSatisfy { $0.timestamp < $1.timestamp })
        let (_, keys) = try Self.frames("captures/call-a.mp4", .keyframes)
        #expect(!keys.isEmpty && keys.count < all.count / 5)
        #expect(keys.first?.timestamp == 0)
        // Key frames are real frames of the stream: each one's time is one of the all-frames times.
        let times = Set(all.map { Int(($0.timestamp * 1000).rounded()) })
        #expect(keys.allSatisfy { times.contains(Int(($0.timestamp * 1000).rounded())) })
    }

    @Test func containersAndCodecs() async throws {
        for (file, codec) in [("reuploads/call-b-trim.webm", "vp9"), ("reuploads/call-c-grey.mkv", "h264"), ("reuploads/call-b-15fps.mov", "h264")] {
            let (info, frames) = try Self.frames(file, .interval(seconds: 1))
            #expect(info.codec == codec, "\(file)")
            #expect(frames.count >= 5, "\(file)")
        }
    }

    @Test func stillImageIsOneFrame() async throws {
        // The PNG test image of the PDQ reference data; without it there is no image to try.
        guard let refdata = TestPaths.refdata else { return }
        let (info, frames) = try Self.frames(refdata.appendingPathComponent("pdq/images/c.png").path, .interval(seconds: 1))
        #expect(info.isStillImage)
        #expect(frames.count == 1)
    }

    @Test func missingFileIsCannotOpen() {
        #expect {
            _ = try VideoReader(path: "/nonexistent/keyprint/file.mp4")
        } throws: { error in
            guard case DecodeError.cannotOpen(_, let ffmpeg) = error else { return false }
            return ffmpeg.function == "avformat_open_input" && ffmpeg.message.contains("No such file")
        }
    }

    @Test func randomBytesAreNotMedia() async throws {
        let dir = try TestPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("noise.mp4")
        var generator = SplitMix64(seed: 7)
        try Data((0..<50_000).map { _ in UInt8(truncatingIfNeeded: generator.next()) }).write(to: file)
        #expect(throws: DecodeError.self) { try Self.frames(file.path, .interval(seconds: 1)) }
    }

    @Test func audioOnlyFileHasNoVideoStream() async throws {
        let dir = try TestPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("tone.wav")
        try Self.wav(seconds: 1).write(to: file)
        #expect(throws: DecodeError.noVideoStream(path: file.path)) { try VideoReader(path: file.path) }
    }

    @Test func timeBudgetStopsDecoding() async throws {
        let options = DecodeOptions(sampling: .allFrames, timeBudget: 0.000_001)
        #expect(throws: DecodeError.timedOut(path: Self.sample("captures/call-b.mp4"), seconds: 0.000_001)) {
            let reader = try VideoReader(path: Self.sample("captures/call-b.mp4"), options: options)
            try reader.forEachSample { _ in }
        }
    }

    @Test func errorsReadLikeSentences() {
        let error = DecodeError.cannotOpen(path: "x", ffmpeg: FFmpegError(function: "avformat_open_input", code: -1094995529))
        #expect(error.description == "cannot open as media: Invalid data found when processing input (avformat_open_input)")
    }

    /// A 16-bit mono PCM WAV file of silence.
    static func wav(seconds: Int) -> Data {
        let rate = 8000, samples = rate * seconds
        var d = Data("RIFF".utf8)
        func u32(_ v: Int) { withUnsafeBytes(of: UInt32(v).littleEndian) { d.append(contentsOf: $0) } }
        func u16(_ v: Int) { withUnsafeBytes(of: UInt16(v).littleEndian) { d.append(contentsOf: $0) } }
        u32(36 + samples * 2); d.append(contentsOf: Array("WAVEfmt ".utf8)); u32(16); u16(1); u16(1); u32(rate); u32(rate * 2); u16(2); u16(16)
        d.append(contentsOf: Array("data".utf8)); u32(samples * 2); d.append(Data(count: samples * 2))
        return d
    }
}
