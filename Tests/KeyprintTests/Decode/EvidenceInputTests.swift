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

/// FFmpeg reads one evidence file through its descriptor and nothing else; decodes that end
/// early say so.
@Suite struct EvidenceInputTests {
    static func frames(_ reader: VideoReader) throws -> [LumaFrame] {
        var out: [LumaFrame] = []
        try reader.forEachSample { out.append($0) }
        return out
    }

    @Test func anHLSPlaylistIsRefusedAndItsSegmentIsNeverRead() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try TestVideos.make(folder.path + "/segment.mp4", variant: 1, seconds: 2)
        try TestVideos.run("ffmpeg", ["-v", "error", "-y", "-i", folder.path + "/segment.mp4", "-c", "copy", "-f", "mpegts", folder.path + "/segment.ts"])
        let playlist = folder.path + "/list.m3u8"
        try Data("#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:2.0,\nsegment.ts\n#EXT-X-ENDLIST\n".utf8).write(to: URL(fileURLWithPath: playlist))
        #expect {
            _ = try Self.frames(try VideoReader(path: playlist))
        } throws: { error in
            guard case DecodeError.refersToOtherFiles(_, let container, _) = error else { return false }
            return container == "hls"
        }
    }

    /// A name holding `%03d` makes FFmpeg's image2 demuxer read a numbered sequence of other
    /// files when it is given the path; through the descriptor only the file itself is read.
    @Test func anImageSequencePatternInTheNameReadsOnlyTheFileItself() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        func png(_ name: String, _ source: String) throws {
            try TestVideos.run("ffmpeg", ["-v", "error", "-y", "-f", "lavfi", "-i", "\(source)=size=160x120", "-frames:v", "1",
                                          folder.path + "/" + name])
        }
        try png("own.png", "testsrc2")
        try png("frame001.png", "mandelbrot")
        try png("frame002.png", "smptehdbars")
        // (The ffmpeg CLI would itself read `%03d` as a pattern: copy the file to that name.)
        try FileManager.default.copyItem(atPath: folder.path + "/own.png", toPath: folder.path + "/frame%03d.png")
        let patterned = try Self.frames(try VideoReader(path: folder.path + "/frame%03d.png"))
        let own = try Self.frames(try VideoReader(path: folder.path + "/own.png"))
        #expect(patterned.count == 1)
        #expect(patterned.map(\.pixels) == own.map(\.pixels))
    }

    @Test func aFIFOIsRefusedWithoutBlocking() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let fifo = folder.path + "/pipe.mp4"
        #expect(mkfifo(fifo, 0o600) == 0)
        // No writer: a blocking open(2) would wait forever.
        #expect(throws: EvidenceFile.Failure.notRegularFile(kind: "a FIFO")) { _ = try EvidenceFile(path: fifo) }
        #expect(throws: DecodeError.notRegularFile(path: fifo, kind: "a FIFO")) { _ = try VideoReader(path: fifo) }
    }

    /// The reader stops at the length it is given (the bytes that were hashed), as if the file
    /// ended there.
    @Test func decodingStopsAtTheHashedLength() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let full = folder.path + "/full.webm"
        try TestVideos.run("ffmpeg", ["-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=160x120:rate=25", "-t", "10",
                                      "-c:v", "libvpx", "-b:v", "200k", "-g", "25", full])
        let bytes = try Data(contentsOf: URL(fileURLWithPath: full))
        let cut = bytes.count / 5
        try bytes.prefix(cut).write(to: URL(fileURLWithPath: folder.path + "/cut.webm"))
        let file = try EvidenceFile(path: full)
        let limited = try VideoReader(file: file, length: Int64(cut), options: DecodeOptions(), deadline: .none)
        let limitedFrames = try Self.frames(limited)
        let truncated = try VideoReader(path: folder.path + "/cut.webm")
        let truncatedFrames = try Self.frames(truncated)
        #expect(limitedFrames.map(\.timestamp) == truncatedFrames.map(\.timestamp))
        #expect(limitedFrames.map(\.pixels) == truncatedFrames.map(\.pixels))
        #expect(limitedFrames.count < 10)
        #expect(!limited.warnings.isEmpty && limited.warnings == truncated.warnings)
        let whole = try VideoReader(file: file, options: DecodeOptions(), deadline: .none)
        #expect(try Self.frames(whole).count == 10 && whole.warnings.isEmpty)
    }

    @Test func warningsReadLikeSentences() {
        let invalid = FFmpegError(function: "av_read_frame", code: -1094995529)
        #expect(VideoReader.warnings(readStopped: invalid, rejectedPackets: 0, firstRejection: nil, reached: 3.24, duration: 17.9)
                == ["decoding stopped early at 3.2 s of 17.9 s: Invalid data found when processing input (av_read_frame)"])
        #expect(VideoReader.warnings(readStopped: nil, rejectedPackets: 0, firstRejection: nil, reached: 0.5, duration: 17.9)
                == ["the video stream ends at 0.5 s of its stated 17.9 s: the file looks truncated"])
        // Short of the stated duration by no more than max(2 s, 10 %): no warning.
        #expect(VideoReader.warnings(readStopped: nil, rejectedPackets: 0, firstRejection: nil, reached: 16.0, duration: 17.9).isEmpty)
        #expect(VideoReader.warnings(readStopped: nil, rejectedPackets: 0, firstRejection: nil, reached: 82, duration: 90).isEmpty)
        #expect(VideoReader.warnings(readStopped: nil, rejectedPackets: 0, firstRejection: nil, reached: 80, duration: 90).count == 1)
        #expect(VideoReader.warnings(readStopped: nil, rejectedPackets: 0, firstRejection: nil, reached: 0.1, duration: nil).isEmpty)
        let rejected = FFmpegError(function: "avcodec_send_packet", code: -1094995529)
        #expect(VideoReader.warnings(readStopped: nil, rejectedPackets: 3, firstRejection: rejected, reached: 10, duration: 10)
                == ["3 packet(s) could not be decoded and were skipped: Invalid data found when processing input (avcodec_send_packet)"])
    }

    @Test func everyAllocationFailureNamesENOMEM() async throws {
        let error = FFmpegError.outOfMemory("av_packet_alloc")
        #expect(error.code == FFmpegStatus.outOfMemory && error.message == "Cannot allocate memory")
        #expect(throws: FFmpegError.outOfMemory("av_frame_alloc")) { _ = try allocated(Optional<Int>.none, function: "av_frame_alloc") }
        #expect(try progress(FFmpegStatus.tryAgain, function: "f") == .again)
        #expect(try progress(FFmpegStatus.endOfFile, function: "f") == .eof)
        #expect(try progress(3, function: "f") == .ok(3))
        #expect(throws: FFmpegError(function: "f", code: -22)) { _ = try progress(-22, function: "f") }
    }
}
