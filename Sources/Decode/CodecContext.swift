import CFFmpeg

/// Owns one opened decoder (AVCodecContext) for one stream, freed in `deinit`.
final class CodecContext {
    let pointer: UnsafeMutablePointer<AVCodecContext>

    /// Allocates a decoder context for `stream`'s parameters and lets `configure` set fields
    /// (threads, skip_frame…) before `avcodec_open2`.
    init(decoder: UnsafePointer<AVCodec>, stream: UnsafeMutablePointer<AVStream>,
         configure: (UnsafeMutablePointer<AVCodecContext>) -> Void) throws(FFmpegError) {
        pointer = try allocated(avcodec_alloc_context3(decoder), function: "avcodec_alloc_context3")
        // From here on `deinit` frees the context, whichever call below throws.
        try check(avcodec_parameters_to_context(pointer, stream.pointee.codecpar), function: "avcodec_parameters_to_context")
        pointer.pointee.pkt_timebase = stream.pointee.time_base
        configure(pointer)
        try check(avcodec_open2(pointer, decoder, nil), function: "avcodec_open2")
    }

    deinit {
        var owned: UnsafeMutablePointer<AVCodecContext>? = pointer
        avcodec_free_context(&owned)
    }
}
