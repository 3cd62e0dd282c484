import CFFmpeg
import Foundation
import KeyprintModel

/// Opens one media file with libavformat, decodes its best video stream with libavcodec and
/// hands out sampled frames as upright luma planes. Owns every FFmpeg object it makes and
/// frees them in `deinit`; it is not `Sendable` and must stay in the task that made it.
public final class VideoReader {
    public let path: String
    public let options: DecodeOptions
    public let info: MediaInfo

    private var format: UnsafeMutablePointer<AVFormatContext>?
    private var codec: UnsafeMutablePointer<AVCodecContext>?
    private let streamIndex: Int32
    private let timeBase: AVRational
    private let startPTS: Int64
    /// Monotonic deadline in microseconds (av_gettime_relative), read by the interrupt callback.
    private let deadline: UnsafeMutablePointer<Int64>
    private var scaler = LumaScaler()

    public init(path: String, options: DecodeOptions = DecodeOptions()) throws(DecodeError) {
        CFFmpeg_set_log_quiet()
        self.path = path
        self.options = options
        deadline = .allocate(capacity: 1)
        deadline.pointee = options.timeBudget.map { av_gettime_relative() + Int64($0 * 1_000_000) } ?? 0

        var context = avformat_alloc_context()
        CFFmpeg_install_deadline_interrupt(context, deadline)
        let opened = avformat_open_input(&context, path, nil, nil)
        if opened < 0 {
            // When our interrupt callback aborts probing, FFmpeg may report the aborted probe
            // as invalid data rather than AVERROR_EXIT: the deadline decides.
            let pastDeadline = options.timeBudget != nil && av_gettime_relative() > deadline.pointee
            deadline.deallocate()
            if let budget = options.timeBudget, opened == FFmpegStatus.exit || pastDeadline {
                throw .timedOut(path: path, seconds: budget)
            }
            throw .cannotOpen(path: path, ffmpeg: FFmpegError(function: "avformat_open_input", code: opened))
        }
        format = context
        guard let format = context else { throw .noVideoStream(path: path) }

        do {
            let found = avformat_find_stream_info(format, nil)
            if found < 0 {
                if let budget = options.timeBudget, av_gettime_relative() > deadline.pointee {
                    throw DecodeError.timedOut(path: path, seconds: budget)
                }
                throw DecodeError.cannotOpen(path: path, ffmpeg: FFmpegError(function: "avformat_find_stream_info", code: found))
            }
            var decoder: UnsafePointer<AVCodec>?
            let best = av_find_best_stream(format, AVMEDIA_TYPE_VIDEO, -1, -1, &decoder, 0)
            if best < 0 {
                // AVERROR_DECODER_NOT_FOUND means there is a video stream we cannot decode.
                if let name = Self.videoCodecName(format) { throw DecodeError.unsupportedCodec(path: path, codec: name) }
                throw DecodeError.noVideoStream(path: path)
            }
            guard let decoder else {
                throw DecodeError.unsupportedCodec(path: path, codec: Self.videoCodecName(format) ?? "unknown")
            }
            streamIndex = best
            let stream = format.pointee.streams[Int(best)]!
            for i in 0..<Int(format.pointee.nb_streams) where i != Int(best) {
                format.pointee.streams[i]!.pointee.discard = AVDISCARD_ALL
            }
            timeBase = stream.pointee.time_base
            let start = stream.pointee.start_time
            startPTS = start == FFmpegStatus.noPTS ? 0 : start

            guard let codecContext = avcodec_alloc_context3(decoder) else {
                throw DecodeError.failed(path: path, ffmpeg: FFmpegError(function: "avcodec_alloc_context3", code: -12))
            }
            codec = codecContext
            try Self.wrap(path, avcodec_parameters_to_context(codecContext, stream.pointee.codecpar), "avcodec_parameters_to_context")
            codecContext.pointee.thread_count = Int32(max(0, options.threads))
            codecContext.pointee.pkt_timebase = stream.pointee.time_base
            if options.sampling == .keyframes { codecContext.pointee.skip_frame = AVDISCARD_NONKEY }
            try Self.wrap(path, avcodec_open2(codecContext, decoder, nil), "avcodec_open2")

            info = Self.describe(format: format, stream: stream, codec: codecContext)
        } catch let error as DecodeError {
            avcodec_free_context(&codec)
            avformat_close_input(&self.format)
            deadline.deallocate()
            throw error
        } catch {
            fatalError("unreachable: \(error)")
        }
    }

    deinit {
        scaler.release()
        avcodec_free_context(&codec)
        avformat_close_input(&format)
        deadline.deallocate()
    }

    /// Decodes the stream and calls `body` with each sampled frame, in presentation order as
    /// the decoder outputs it. Returns the number of frames the decoder produced in all.
    @discardableResult
    public func forEachSample(_ body: (LumaFrame) throws -> Void) throws -> Int {
        guard let format, let codec else { return 0 }
        guard let packet = av_packet_alloc() else { throw DecodeError.failed(path: path, ffmpeg: FFmpegError(function: "av_packet_alloc", code: -12)) }
        guard let frame = av_frame_alloc() else { throw DecodeError.failed(path: path, ffmpeg: FFmpegError(function: "av_frame_alloc", code: -12)) }
        var packetBox: UnsafeMutablePointer<AVPacket>? = packet
        var frameBox: UnsafeMutablePointer<AVFrame>? = frame
        defer { av_packet_free(&packetBox); av_frame_free(&frameBox) }

        var decoded = 0
        var interval: IntervalSampler? = nil
        if case .interval(let s) = options.sampling { interval = IntervalSampler(seconds: s) }
        var exactSampler = options.exactLumaInterval.map { IntervalSampler(seconds: $0) }
        var inputEnded = false
        // Interval sampling skips the non-reference frames that cannot be a sample (see
        // `NonReferenceSkipper`); frame numbers then come from packet timestamps.
        var skipper: NonReferenceSkipper? = interval != nil && allowsNonReferenceSkipping ? NonReferenceSkipper(margin: frameDuration) : nil

        func drain() throws {
            while true {
                let received = avcodec_receive_frame(codec, frame)
                if received == FFmpegStatus.tryAgain || received == FFmpegStatus.endOfFile { return }
                if received < 0 {
                    throw DecodeError.failed(path: path, ffmpeg: FFmpegError(function: "avcodec_receive_frame", code: received))
                }
                defer { av_frame_unref(frame) }
                var index = decoded
                decoded += 1
                let time = timestamp(of: frame)
                if let counted = skipper?.frameIndex(presentationTimestamp: frame.pointee.best_effort_timestamp) { index = counted }
                // Some decoders (VP8, VP9, AV1) ignore AVDISCARD_NONKEY and output every frame;
                // the key-frame path must still sample key frames only.
                if options.sampling == .keyframes && CFFmpeg_frame_is_key(frame) == 0 { continue }
                if var sampler = interval {
                    let take = sampler.accepts(time: time)
                    interval = sampler
                    if !take { continue }
                }
                let exact = options.exactVPDQLuma || exactSampler?.accepts(time: time) == true
                let luma = try scaler.luma(of: frame, size: options.lumaSize, exact: exact, path: path)
                let upright = LumaFrame(index: index, timestamp: time, width: luma.width, height: luma.height, pixels: luma.pixels)
                try body(upright.rotated(clockwise: info.rotation))
            }
        }

        while !inputEnded {
            try checkDeadline()
            let read = av_read_frame(format, packet)
            if read == FFmpegStatus.endOfFile {
                inputEnded = true
                break
            }
            if read < 0 {
                if read == FFmpegStatus.exit { try checkDeadline(force: true) }
                // A damaged tail: stop reading, keep what decoded so far (FFmpeg's own behaviour).
                if decoded > 0 { break }
                throw DecodeError.failed(path: path, ffmpeg: FFmpegError(function: "av_read_frame", code: read))
            }
            defer { av_packet_unref(packet) }
            guard packet.pointee.stream_index == streamIndex else { continue }
            if skipper != nil, let sampler = interval {
                let pts = packet.pointee.pts
                let time = pts == FFmpegStatus.noPTS ? nil : seconds(pts)
                let drop = skipper!.discard(packetPTS: pts, packetTime: time, nextSample: sampler.upcoming)
                codec.pointee.skip_frame = drop ? AVDISCARD_NONREF : AVDISCARD_DEFAULT
            }
            let sent = avcodec_send_packet(codec, packet)
            if sent < 0 && sent != FFmpegStatus.tryAgain {
                // Corrupt packets are skipped as the ffmpeg CLI does; the frame count shows it.
                if sent == FFmpegStatus.endOfFile { break }
                continue
            }
            try drain()
        }
        avcodec_send_packet(codec, nil)
        try drain()
        if decoded == 0 { throw DecodeError.noFrames(path: path) }
        return max(decoded, skipper?.framesCounted ?? 0)
    }

    private func checkDeadline(force: Bool = false) throws {
        guard let budget = options.timeBudget else { return }
        if force || av_gettime_relative() > deadline.pointee {
            throw DecodeError.timedOut(path: path, seconds: budget)
        }
    }

    private func timestamp(of frame: UnsafeMutablePointer<AVFrame>) -> Double {
        var pts = frame.pointee.best_effort_timestamp
        if pts == FFmpegStatus.noPTS { pts = frame.pointee.pts }
        if pts == FFmpegStatus.noPTS { return 0 }
        return seconds(pts)
    }

    /// Non-reference frames may be skipped only where one packet holds one frame, so that
    /// packet timestamps can number the frames (not MPEG-TS/PS, whose packets may hold fields).
    private var allowsNonReferenceSkipping: Bool {
        guard let name = format?.pointee.iformat?.pointee.name else { return false }
        let container = String(cString: name)
        return !container.contains("mpeg") && !info.isStillImage
    }

    /// One frame's duration from the stream's average frame rate (1/25 s when unknown).
    private var frameDuration: Double {
        guard let format else { return 0.04 }
        let rate = format.pointee.streams[Int(streamIndex)]!.pointee.avg_frame_rate
        guard rate.num > 0 && rate.den > 0 else { return 0.04 }
        return min(0.5, Double(rate.den) / Double(rate.num))
    }

    /// A stream timestamp as seconds from the stream's start.
    private func seconds(_ pts: Int64) -> Double {
        Double(pts - startPTS) * Double(timeBase.num) / Double(timeBase.den)
    }

    private static func wrap(_ path: String, _ result: Int32, _ function: String) throws(DecodeError) {
        if result < 0 { throw .failed(path: path, ffmpeg: FFmpegError(function: function, code: result)) }
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
