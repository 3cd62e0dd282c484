import CFFmpeg

/// Owns one AVFrame (`av_frame_alloc`), freed in `deinit`. The decode loop reuses it for every
/// decoded picture, unreferencing its buffers after each.
final class Frame {
    let pointer: UnsafeMutablePointer<AVFrame>

    init() throws(FFmpegError) {
        pointer = try allocated(av_frame_alloc(), function: "av_frame_alloc")
    }

    deinit {
        var owned: UnsafeMutablePointer<AVFrame>? = pointer
        av_frame_free(&owned)
    }
}
