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
    /// The file is a list or playlist naming other files (HLS, concat, image sequence…). Only
    /// the bytes of the file itself are ever decoded, so it has nothing of its own to decode.
    /// `ffmpeg`: what the demuxer reported once its open was refused.
    case refersToOtherFiles(path: String, container: String?, ffmpeg: FFmpegError?)
    /// The path is not a regular file (a FIFO, device, socket…); it is never read.
    case notRegularFile(path: String, kind: String)

    public var description: String {
        switch self {
        case .cannotOpen(_, let e): return "cannot open as media: \(e.message) (\(e.function))"
        case .noVideoStream: return "no video stream in the file"
        case .unsupportedCodec(_, let codec): return "no decoder for video codec '\(codec)'"
        case .failed(_, let e): return "decoding failed: \(e.message) (\(e.function))"
        case .timedOut(_, let s): return "per-file time budget of \(formatSeconds(s)) s exceeded"
        case .noFrames: return "the video stream holds no decodable frame"
        case .refersToOtherFiles(_, let container, let e):
            let demuxer = container.map { " (FFmpeg's '\($0)' demuxer)" } ?? ""
            let detail = e.map { " (\($0.message), \($0.function))" } ?? ""
            return "the file is a playlist or list of other files\(demuxer), which are not opened: only the file's own bytes are decoded\(detail)"
        case .notRegularFile(_, let kind): return "not a regular file (\(kind)); only regular files are read"
        }
    }
}
