import CFFmpeg

/// Owns one libavcodec MJPEG encoder (AVCodecContext) for pictures of one size, freed in
/// `deinit`: full-range 4:2:0 (YUVJ420P) in, one baseline JPEG file out per picture.
final class JPEGEncoder {
    let pointer: UnsafeMutablePointer<AVCodecContext>
    let width: Int
    let height: Int
    /// The ffmpeg CLI's `-q:v` (2 best … 31 worst).
    let quality: Int32
    private var nextPTS: Int64 = 0

    init(width: Int, height: Int, quality: Int32 = 4) throws(FFmpegError) {
        guard let encoder = avcodec_find_encoder(AV_CODEC_ID_MJPEG) else {
            throw FFmpegError(function: "avcodec_find_encoder(mjpeg)", code: CFFmpeg_AVERROR(ENOSYS))
        }
        pointer = try allocated(avcodec_alloc_context3(encoder), function: "avcodec_alloc_context3")
        self.width = width
        self.height = height
        self.quality = quality
        // From here on `deinit` frees the context, whichever call below throws.
        pointer.pointee.width = Int32(width)
        pointer.pointee.height = Int32(height)
        pointer.pointee.pix_fmt = AV_PIX_FMT_YUVJ420P
        pointer.pointee.color_range = AVCOL_RANGE_JPEG
        pointer.pointee.time_base = AVRational(num: 1, den: 25)
        pointer.pointee.thread_count = 1
        CFFmpeg_set_fixed_quality(pointer, quality)
        try check(avcodec_open2(pointer, encoder, nil), function: "avcodec_open2(mjpeg)")
    }

    deinit {
        var owned: UnsafeMutablePointer<AVCodecContext>? = pointer
        avcodec_free_context(&owned)
    }

    /// The JPEG file of one picture (`width`×`height`, YUVJ420P).
    func encode(_ frame: UnsafeMutablePointer<AVFrame>) throws(FFmpegError) -> [UInt8] {
        frame.pointee.pts = nextPTS
        nextPTS += 1
        CFFmpeg_set_frame_quality(frame, quality)
        try check(avcodec_send_frame(pointer, frame), function: "avcodec_send_frame")
        let packet = try Packet()
        // MJPEG is intra-only with no delay: the packet is there as soon as the frame went in.
        guard case .ok = try progress(avcodec_receive_packet(pointer, packet.pointer), function: "avcodec_receive_packet") else {
            throw FFmpegError(function: "avcodec_receive_packet", code: FFmpegStatus.tryAgain)
        }
        defer { av_packet_unref(packet.pointer) }
        return Array(UnsafeBufferPointer(start: packet.pointer.pointee.data, count: Int(packet.pointer.pointee.size)))
    }
}
