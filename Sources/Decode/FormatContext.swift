import CFFmpeg
import KeyprintModel

/// Owns one demuxer (AVFormatContext) reading from an `InputIO`, closed in `deinit`. Holds the
/// `InputIO` and the `InterruptDeadline` it points to, so that both outlive it.
///
/// The context can read nothing but its `InputIO`: it is opened on our AVIOContext (never by
/// path), its `io_open` callback refuses every other file (HLS segments, concat entries, image
/// sequences, manifests, MOV external references), and its protocol whitelist is empty, so no
/// protocol (file:, subfile:, http:, data:…) can be reached either.
final class FormatContext {
    let pointer: UnsafeMutablePointer<AVFormatContext>
    private let io: InputIO
    private let interrupt: InterruptDeadline
    /// Opens the demuxer tried and that `CFFmpeg_refuse_io_open` refused.
    private let refusals: UnsafeMutablePointer<Int32>

    /// The error of `avformat_open_input`, with what the refusal counter saw.
    struct OpenFailure: Error {
        var ffmpeg: FFmpegError
        var refusedOpens: Int
    }

    /// Probes and opens the demuxer. `name` stands in for the URL: FFmpeg uses it only for
    /// extension hints when probing (the bytes come from `io`).
    init(io: InputIO, name: String, deadline: InterruptDeadline) throws(OpenFailure) {
        self.io = io
        self.interrupt = deadline
        refusals = .allocate(capacity: 1)
        refusals.initialize(to: 0)
        guard var context = avformat_alloc_context() else {
            refusals.deallocate()
            throw OpenFailure(ffmpeg: .outOfMemory("avformat_alloc_context"), refusedOpens: 0)
        }
        context.pointee.pb = io.context
        context.pointee.flags |= AVFMT_FLAG_CUSTOM_IO
        CFFmpeg_install_deadline_interrupt(context, deadline.pointer)
        CFFmpeg_install_refusing_io_open(context, refusals)
        var options: OpaquePointer? = nil
        av_dict_set(&options, "protocol_whitelist", "", 0)
        var optional: UnsafeMutablePointer<AVFormatContext>? = context
        let opened = avformat_open_input(&optional, name, nil, &options)
        av_dict_free(&options)
        do {
            try check(opened, function: "avformat_open_input")
        } catch {
            // avformat_open_input has freed the context (not our AVIOContext) on failure.
            let refused = Int(refusals.pointee)
            refusals.deallocate()
            throw OpenFailure(ffmpeg: error, refusedOpens: refused)
        }
        context = optional!
        pointer = context
    }

    deinit {
        var owned: UnsafeMutablePointer<AVFormatContext>? = pointer
        avformat_close_input(&owned)
        refusals.deallocate()
    }

    /// How many times the demuxer asked to open another file (and was refused).
    var refusedOpens: Int { Int(refusals.pointee) }

    /// Demuxers that read other files named in the one they open (playlists, lists,
    /// manifests). With `io_open` refused they cannot, and a file they recognise is a list, not
    /// a video of its own. (image2 is not one here: on our AVIOContext, with a probe name that
    /// holds no `%d` pattern, it reads the one image from that context, as it does for JPEGs.)
    static let listDemuxers: Set<String> = ["hls", "applehttp", "concat", "dash", "imf"]

    /// The name of the demuxer FFmpeg would pick for `io`'s bytes: a probe only, nothing is
    /// opened. For naming what a file that failed to open is.
    static func probe(io: InputIO, name: String) -> String? {
        var format: UnsafePointer<AVInputFormat>?
        guard av_probe_input_buffer2(io.context, &format, name, nil, 0, 0) >= 0, let format else { return nil }
        return String(cString: format.pointee.name)
    }

    /// The demuxer's short name (`mov,mp4,m4a,3gp,3g2,mj2`, `matroska,webm`, `hls`…).
    var containerName: String? {
        pointer.pointee.iformat.map { String(cString: $0.pointee.name) }
    }
}
