import KeyprintModel

/// Why a file could not be decoded, in words an examiner understands. FFmpeg's own text is
/// kept in `ffmpeg` where the failure came from the library.
public enum DecodeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file could not be opened or recognised as media at all.
    case cannotOpen(path: String, ffmpeg: FFmpegError)
    /// The container opened but has no video stream (audio only, data, …).
    case noVideoStream(path: String)
    /// There is a video stream but FFmpeg has no decoder for its codec.
    case unsupportedCodec(path: String, codec: String)
    /// A library call failed while reading or decoding.
    case failed(path: String, ffmpeg: FFmpegError)
    /// The per-file time budget ran out.
    case timedOut(path: String, seconds: Double)
    /// The stream decoded, but not a single frame came out.
    case noFrames(path: String)

    public var description: String {
        switch self {
        case .cannotOpen(_, let e): return "cannot open as media: \(e.message) (\(e.function))"
        case .noVideoStream: return "no video stream in the file"
        case .unsupportedCodec(_, let codec): return "no decoder for video codec '\(codec)'"
        case .failed(_, let e): return "decoding failed: \(e.message) (\(e.function))"
        case .timedOut(_, let s): return "per-file time budget of \(formatSeconds(s)) s exceeded"
        case .noFrames: return "the video stream holds no decodable frame"
        }
    }
}
