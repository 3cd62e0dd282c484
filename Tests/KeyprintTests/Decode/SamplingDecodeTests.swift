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

/// Real clips made with the ffmpeg CLI, decoded in each sampling mode.
@Suite struct SamplingDecodeTests {
    /// With B-frames that are never references, the 1/s path discards most of them; its samples
    /// must still be exactly the frames the sampler picks from a full decode: same frame number,
    /// same presentation time, same hash.
    /// With decoder threads too: frame threading copies `skip_frame` to its worker contexts.
    @Test(arguments: [1, 2])
    func intervalSamplesMatchTheFullDecode(threads: Int) async throws {
        let clip = try DecodeClip.make("h264-bframes.mp4", [
            "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=30", "-t", "7",
            "-c:v", "libx264", "-preset", "ultrafast", "-bf", "3", "-x264-params", "b-pyramid=none:scenecut=0",
            "-g", "60", "-pix_fmt", "yuv420p",
        ])
        // vPDQ's luma on both sides (all frames would read the Y plane by default).
        let all = try VideoHasher.hashes(path: clip, options: DecodeOptions(sampling: .allFrames, exactVPDQLuma: true))
        let interval = DecodeOptions(sampling: .interval(seconds: 1), threads: threads)
        var sampled: [FrameHash] = []
        let decoded = try VideoHasher.hash(path: clip, options: interval) { sampled.append($0) }.decodedFrames

        var expected: [FrameHash] = []
        var sampler = IntervalSampler(seconds: 1)
        for frame in all where sampler.accepts(time: frame.timestamp) { expected.append(frame) }
        #expect(all.count == 210)
        #expect(decoded == all.count)
        #expect(sampled.map(\.index) == expected.map(\.index))
        #expect(sampled.map(\.timestamp) == expected.map(\.timestamp))
        #expect(sampled.map(\.hash) == expected.map(\.hash))
        #expect(sampled.count == 7)
    }

    /// libvpx's VP9 decoder ignores AVDISCARD_NONKEY; the key-frame path must still hand out
    /// key frames only.
    @Test func keyframesOnlyHoldsForVP9() async throws {
        let clip = try DecodeClip.make("vp9.webm", [
            "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25", "-t", "3",
            "-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8", "-g", "25", "-keyint_min", "25",
        ])
        let keys = try VideoHasher.hashes(path: clip, options: DecodeOptions(sampling: .keyframes))
        #expect(keys.map(\.index) == [0, 25, 50])
    }
}

/// Writes a clip into a fresh temporary folder with the ffmpeg CLI and returns its path.
private enum DecodeClip {
    static func make(_ name: String, _ arguments: [String]) throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("keyprint-decode-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent(name).path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["ffmpeg", "-nostdin", "-v", "error", "-y"] + arguments + [path]
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "ffmpeg could not make \(name)")
        return path
    }
}
