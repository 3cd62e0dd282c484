import CFFmpeg

/// Owns one AVPacket (`av_packet_alloc`), freed in `deinit`. The decode loop reuses it for
/// every packet, unreferencing its payload after each.
final class Packet {
    let pointer: UnsafeMutablePointer<AVPacket>

    init() throws(FFmpegError) {
        pointer = try allocated(av_packet_alloc(), function: "av_packet_alloc")
    }

    deinit {
        var owned: UnsafeMutablePointer<AVPacket>? = pointer
        av_packet_free(&owned)
    }
}
