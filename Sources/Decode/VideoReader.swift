import CFFmpeg
import Foundation
import KeyprintModel

/// Opens one media file with libavformat, decodes its best video stream with libavcodec and
/// hands out sampled frames as upright luma planes (the loop of FFmpeg's demux_decode.c).
///
/// The file is read only through an `EvidenceFile` descriptor (`InputIO`); FFmpeg never opens a
/// path, and a container that names other files (playlists, lists, sequences) is refused. Every
/// FFmpeg object has one owner here (`FormatContext`, `CodecContext`, `Packet`, `Frame`,
/// `LumaScaler`, `InputIO`, `InterruptDeadline`) that frees it in its `deinit`, whichever step
/// fails. Not `Sendable`: it must stay in the task that made it.
public final class VideoReader {
    public let path: String
    public let options: DecodeOptions
    public let info: MediaInfo
    /// What went wrong without stopping the decode (skipped packets, a read error after the
    /// first frames, a stream that ends well before its stated duration), in words; filled by
    /// `forEachSample`.
    public private(set) var warnings: [String] = []
    /// The furthest presentation time the last `forEachSample` reached (packets read or frames
    /// decoded), in seconds from the stream's start.
    public private(set) var reachedTime: Double = 0

    // Internal, not private: `VideoReader+Seek` (thumbnails) seeks and decodes on them too.
    let file: EvidenceFile
    let deadline: Deadline
    let format: FormatContext
    let codec: CodecContext
    let stream: UnsafeMutablePointer<AVStream>
    let streamIndex: Int32
    let timeBase: AVRational
    let startPTS: Int64
    private let scaler = LumaScaler()

    /// Opens `path` read-only (`EvidenceFile`) and decodes it with a deadline of
    /// `options.timeBudget` from now.
    public convenience init(path: String, options: DecodeOptions = DecodeOptions()) throws(DecodeError) {
        let file: EvidenceFile
        do {
            file = try EvidenceFile(path: path)
        } catch {
            switch error {
            case .notRegularFile(let kind): throw .notRegularFile(path: path, kind: kind)
            case .systemCall(_, let code):
                // What avformat_open_input reports for a path it cannot open (AVERROR(errno)).
                throw .cannotOpen(path: path, ffmpeg: FFmpegError(function: "avformat_open_input", code: CFFmpeg_AVERROR(code)))
            }
        }
        try self.init(file: file, options: options, deadline: Deadline(budget: options.timeBudget))
    }

    /// Decodes the file behind `file`'s descriptor, the first `length` bytes of it (default:
    /// its size when it was opened). `deadline` bounds every FFmpeg call (its interrupt
    /// callback and our read callback); `options.timeBudget` is not used here.
    public init(file: EvidenceFile, length: Int64? = nil, options: DecodeOptions, deadline: Deadline) throws(DecodeError) {
        CFFmpeg_set_log_quiet()
        let path = file.path
        self.path = path
        self.file = file
        self.options = options
        self.deadline = deadline
        if deadline.hasPassed { throw .timedOut(path: path, seconds: deadline.budget ?? 0) }

        let io: InputIO
        do {
            io = try InputIO(file: file, length: length ?? file.opened.size, deadline: deadline)
        } catch {
            throw .cannotOpen(path: path, ffmpeg: error)
        }
        do {
            format = try FormatContext(io: io, name: Self.probeName(path), deadline: InterruptDeadline(deadline))
        } catch {
            if error.refusedOpens > 0 || error.ffmpeg.code == FFmpegStatus.notPermitted {
                throw .refersToOtherFiles(path: path, container: Self.probedContainer(file, length: length), ffmpeg: error.ffmpeg)
            }
            // When the deadline aborts probing, FFmpeg may report the aborted probe as invalid
            // data rather than AVERROR_EXIT: the deadline decides.
            if let budget = deadline.budget, error.ffmpeg.code == FFmpegStatus.exit || deadline.hasPassed {
                throw .timedOut(path: path, seconds: budget)
            }
            // A list whose entries failed in a nested demuxer (concat) is not counted above.
            if let container = Self.probedContainer(file, length: length), FormatContext.listDemuxers.contains(container) {
                throw .refersToOtherFiles(path: path, container: container, ffmpeg: error.ffmpeg)
            }
            throw .cannotOpen(path: path, ffmpeg: error.ffmpeg)
        }
        let format = format.pointer

        do {
            try check(avformat_find_stream_info(format, nil), function: "avformat_find_stream_info")
        } catch {
            if self.format.refusedOpens > 0 {
                throw .refersToOtherFiles(path: path, container: self.format.containerName, ffmpeg: error)
            }
            if let budget = deadline.budget, deadline.hasPassed { throw .timedOut(path: path, seconds: budget) }
            throw .cannotOpen(path: path, ffmpeg: error)
        }
        // A playlist whose every entry was refused may still "open": it is not a video of its own.
        if self.format.refusedOpens > 0 || self.format.containerName.map(FormatContext.listDemuxers.contains) == true {
            throw .refersToOtherFiles(path: path, container: self.format.containerName, ffmpeg: nil)
        }
        var decoder: UnsafePointer<AVCodec>?
        let best = av_find_best_stream(format, AVMEDIA_TYPE_VIDEO, -1, -1, &decoder, 0)
        if best < 0 {
            // AVERROR_DECODER_NOT_FOUND means there is a video stream we cannot decode.
            if let name = Self.videoCodecName(format) { throw .unsupportedCodec(path: path, codec: name) }
            throw .noVideoStream(path: path)
        }
        guard let decoder else {
            throw .unsupportedCodec(path: path, codec: Self.videoCodecName(format) ?? "unknown")
        }
        streamIndex = best
        stream = format.pointee.streams[Int(best)]!
        for i in 0..<Int(format.pointee.nb_streams) where i != Int(best) {
            format.pointee.streams[i]!.pointee.discard = AVDISCARD_ALL
        }
        timeBase = stream.pointee.time_base
        let start = stream.pointee.start_time
        startPTS = start == FFmpegStatus.noPTS ? 0 : start

        let skipNonKey = options.sampling == .keyframes
        do {
            codec = try CodecContext(decoder: decoder, stream: stream) { context in
                context.pointee.thread_count = Int32(max(0, options.threads))
                if skipNonKey { context.pointee.skip_frame = AVDISCARD_NONKEY }
            }
        } catch {
            throw .failed(path: path, ffmpeg: error)
        }
        info = Self.describe(format: format, stream: stream, codec: codec.pointer)
    }

    /// Decodes the stream and calls `body` with each sampled frame, in presentation order as
    /// the decoder outputs it. Returns the number of frames the decoder produced in all.
    ///
    /// Packets the decoder rejects are skipped (as the ffmpeg CLI does) and a read error after
    /// the first frames ends the decode with what came so far; both, and a stream that ends
    /// well before its stated duration, are recorded in `warnings`. Errors before any frame,
    /// and decoder output errors, throw.
    @discardableResult
    public func forEachSample(_ body: (LumaFrame) throws -> Void) throws -> Int {
        warnings = []
        reachedTime = 0
        let (packet, frames) = try decodeBuffers(frameCount: 1)
        let frame = frames[0]
        let codec = self.codec.pointer, format = self.format.pointer
        var policy = SamplingPolicy(options: options, nonReferenceSkipping: allowsNonReferenceSkipping, frameDuration: frameDuration)
        var decoded = 0
        var rejectedPackets = 0
        var firstRejection: FFmpegError?
        var readStopped: FFmpegError?

        func drain() throws {
            while try receiveFrame(into: frame) {
                defer { av_frame_unref(frame.pointer) }
                let time = timestamp(of: frame.pointer)
                reachedTime = max(reachedTime, time)
                let index = decoded
                decoded += 1
                guard let sample = policy.sample(decodedIndex: index, time: time,
                                                 presentationTimestamp: frame.pointer.pointee.best_effort_timestamp,
                                                 isKeyFrame: CFFmpeg_frame_is_key(frame.pointer) != 0) else { continue }
                let luma = try scaler.luma(of: frame.pointer, size: options.lumaSize, exact: sample.exactLuma, path: path)
                let upright = LumaFrame(index: sample.index, timestamp: time, width: luma.width, height: luma.height, pixels: luma.pixels)
                try body(upright.rotated(clockwise: info.rotation))
            }
        }

        reading: while true {
            try checkDeadline()
            do {
                guard case .ok = try progress(av_read_frame(format, packet.pointer), function: "av_read_frame") else { break reading }
            } catch {
                if self.format.refusedOpens > 0 {
                    throw DecodeError.refersToOtherFiles(path: path, container: self.format.containerName, ffmpeg: error)
                }
                if error.code == FFmpegStatus.exit { try checkDeadline(force: true) }
                // A damaged tail: stop reading, keep what decoded so far (FFmpeg's own behaviour),
                // and say so.
                if decoded > 0 {
                    readStopped = error
                    break reading
                }
                throw DecodeError.failed(path: path, ffmpeg: error)
            }
            defer { av_packet_unref(packet.pointer) }
            guard packet.pointer.pointee.stream_index == streamIndex else { continue }
            let pts = packet.pointer.pointee.pts
            let time = pts == FFmpegStatus.noPTS ? nil : seconds(pts)
            if let time { reachedTime = max(reachedTime, time + span(packet.pointer.pointee.duration)) }
            if let drop = policy.decoderMayDropNonReference(packetPTS: pts, packetTime: time) {
                codec.pointee.skip_frame = drop ? AVDISCARD_NONREF : AVDISCARD_DEFAULT
            }
            do {
                // EAGAIN cannot happen while every frame is drained after each packet.
                if try progress(avcodec_send_packet(codec, packet.pointer), function: "avcodec_send_packet") == .eof { break reading }
            } catch {
                // Corrupt packets are skipped as the ffmpeg CLI does; the warning counts them.
                rejectedPackets += 1
                if firstRejection == nil { firstRejection = error }
                continue
            }
            try drain()
        }
        // Flush: a null packet, then the frames the decoder still holds.
        _ = try? progress(avcodec_send_packet(codec, nil), function: "avcodec_send_packet")
        try drain()
        if decoded == 0 { throw DecodeError.noFrames(path: path) }
        warnings = Self.warnings(readStopped: readStopped, rejectedPackets: rejectedPackets, firstRejection: firstRejection,
                                 reached: reachedTime, duration: info.isStillImage ? nil : info.duration)
        return policy.framesInStream(decoded: decoded)
    }

    /// The words for what went wrong in a decode that still gave frames.
    static func warnings(readStopped: FFmpegError?, rejectedPackets: Int, firstRejection: FFmpegError?,
                         reached: Double, duration: Double?) -> [String] {
        var out: [String] = []
        let of = duration.map { " of \(tenths($0)) s" } ?? ""
        if let readStopped {
            out.append("decoding stopped early at \(tenths(reached)) s\(of): \(readStopped.message) (\(readStopped.function))")
        } else if let duration, duration - reached > max(2, 0.1 * duration) {
            out.append("the video stream ends at \(tenths(reached)) s of its stated \(tenths(duration)) s: the file looks truncated")
        }
        if rejectedPackets > 0, let firstRejection {
            out.append("\(rejectedPackets) packet(s) could not be decoded and were skipped: \(firstRejection.message) (\(firstRejection.function))")
        }
        return out
    }

    func checkDeadline(force: Bool = false) throws {
        guard let budget = deadline.budget else { return }
        if force || deadline.hasPassed {
            throw DecodeError.timedOut(path: path, seconds: budget)
        }
    }

    func timestamp(of frame: UnsafeMutablePointer<AVFrame>) -> Double {
        var pts = frame.pointee.best_effort_timestamp
        if pts == FFmpegStatus.noPTS { pts = frame.pointee.pts }
        if pts == FFmpegStatus.noPTS { return 0 }
        return seconds(pts)
    }

    /// Non-reference frames may be skipped only where one packet holds one frame, so that
    /// packet timestamps can number the frames (not MPEG-TS/PS, whose packets may hold fields).
    private var allowsNonReferenceSkipping: Bool {
        guard let container = format.containerName else { return false }
        return !container.contains("mpeg") && !info.isStillImage
    }

    /// One frame's duration from the stream's average frame rate (1/25 s when unknown).
    private var frameDuration: Double {
        let rate = stream.pointee.avg_frame_rate
        guard rate.num > 0 && rate.den > 0 else { return 0.04 }
        return min(0.5, Double(rate.den) / Double(rate.num))
    }

    /// A duration in stream time base units as seconds (0 when unknown or negative).
    private func span(_ units: Int64) -> Double {
        units > 0 ? Double(units) * Double(timeBase.num) / Double(timeBase.den) : 0
    }

    /// Seconds with one decimal, for warnings ("3.2").
    static func tenths(_ seconds: Double) -> String {
        let tenths = Int64((seconds * 10).rounded())
        return "\(tenths / 10).\(abs(tenths % 10))"
    }

    /// A stream timestamp as seconds from the stream's start.
    private func seconds(_ pts: Int64) -> Double {
        Double(pts - startPTS) * Double(timeBase.num) / Double(timeBase.den)
    }

    /// The demuxer a fresh probe of the file's bytes picks (after a failed open), or nil.
    private static func probedContainer(_ file: EvidenceFile, length: Int64?) -> String? {
        guard let io = try? InputIO(file: file, length: length ?? file.opened.size, deadline: .none) else { return nil }
        return FormatContext.probe(io: io, name: probeName(file.path))
    }

    /// The name FFmpeg is given for the input: only its extension hints the probe (the bytes
    /// come from our AVIOContext), so the real path, which may hold `%d` (an image2 sequence
    /// pattern), glob characters or a protocol prefix, never reaches it.
    static func probeName(_ path: String) -> String {
        let last = path.split(separator: "/").last.map(String.init) ?? path
        guard let dot = last.lastIndex(of: "."), dot != last.startIndex else { return "evidence" }
        let ext = last[last.index(after: dot)...]
        guard !ext.isEmpty, ext.utf8.count <= 16, ext.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0)) }) else {
            return "evidence"
        }
        return "evidence." + ext
    }

    private static func videoCodecName(_ format: UnsafeMutablePointer<AVFormatContext>) -> String? {
        for i in 0..<Int(format.pointee.nb_streams) {
            guard let par = format.pointee.streams[i]?.pointee.codecpar else { continue }
            if par.pointee.codec_type == AVMEDIA_TYPE_VIDEO {
                return String(cString: avcodec_get_name(par.pointee.codec_id))
            }
        }
        return nil
    }

    private static func describe(format: UnsafeMutablePointer<AVFormatContext>, stream: UnsafeMutablePointer<AVStream>,
                                 codec: UnsafeMutablePointer<AVCodecContext>) -> MediaInfo {
        let container = format.pointee.iformat.map { String(cString: $0.pointee.name) } ?? "unknown"
        let codecName = String(cString: avcodec_get_name(codec.pointee.codec_id))
        let width = Int(codec.pointee.width), height = Int(codec.pointee.height)
        var rotation = 0
        if let matrix = CFFmpeg_stream_display_matrix(stream) {
            let counterClockwise = av_display_rotation_get(matrix)
            if counterClockwise.isFinite {
                rotation = ((-Int(counterClockwise.rounded()) % 360) + 360) % 360
                rotation = (rotation + 45) / 90 * 90 % 360
            }
        }
        var sar = stream.pointee.sample_aspect_ratio
        if sar.num <= 0 || sar.den <= 0 { sar = codec.pointee.sample_aspect_ratio }
        var displayWidth = width
        if sar.num > 0 && sar.den > 0 && sar.num != sar.den {
            displayWidth = Int((Double(width) * Double(sar.num) / Double(sar.den)).rounded())
        }
        var displayHeight = height
        if rotation == 90 || rotation == 270 { swap(&displayWidth, &displayHeight) }

        var duration: Double? = nil
        if stream.pointee.duration > 0 && stream.pointee.duration != FFmpegStatus.noPTS {
            duration = Double(stream.pointee.duration) * Double(stream.pointee.time_base.num) / Double(stream.pointee.time_base.den)
        } else if format.pointee.duration > 0 && format.pointee.duration != FFmpegStatus.noPTS {
            duration = Double(format.pointee.duration) / Double(AV_TIME_BASE)
        }
        var creation: Date? = nil
        if let entry = av_dict_get(format.pointee.metadata, "creation_time", nil, 0), let value = entry.pointee.value {
            creation = parseCreationTime(String(cString: value))
        }
        let pixelFormat = av_get_pix_fmt_name(codec.pointee.pix_fmt).map { String(cString: $0) } ?? "unknown"
        let still = container.hasSuffix("_pipe") || container == "image2"
        return MediaInfo(container: container, codec: codecName, width: width, height: height,
                         displayWidth: displayWidth, displayHeight: displayHeight, rotation: rotation,
                         pixelFormat: pixelFormat, duration: duration, creationTime: creation, isStillImage: still)
    }
}

/// Parses FFmpeg's `creation_time` tag (ISO 8601, usually with microseconds and a Z).
func parseCreationTime(_ text: String) -> Date? {
    let plain = ISO8601DateFormatter()
    if let d = plain.date(from: text) { return d }
    let fractional = ISO8601DateFormatter()
    fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    return fractional.date(from: text)
}
