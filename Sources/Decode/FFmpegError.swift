import CFFmpeg
import KeyprintModel

/// An error returned by an FFmpeg function: the function's name, its negative return code
/// and FFmpeg's own text for that code (`av_strerror`).
public struct FFmpegError: Error, Equatable, Sendable, CustomStringConvertible {
    public let function: String
    public let code: Int32
    public let message: String

    public init(function: String, code: Int32) {
        self.function = function
        self.code = code
        self.message = FFmpegError.text(for: code)
    }

    /// FFmpeg's text for the error, e.g. "Invalid data found when processing input".
    public var text: String { message }

    public var description: String { "\(function) failed: \(message) (code \(code))" }

    /// An allocation that returned NULL: AVERROR(ENOMEM), as FFmpeg itself reports it.
    static func outOfMemory(_ function: String) -> FFmpegError {
        FFmpegError(function: function, code: FFmpegStatus.outOfMemory)
    }

    static func text(for code: Int32) -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        CFFmpeg_strerror(code, &buffer, buffer.count)
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// FFmpeg return codes with a meaning of their own.
enum FFmpegStatus {
    static let endOfFile = CFFmpeg_AVERROR_EOF()
    static let tryAgain = CFFmpeg_AVERROR_EAGAIN()
    static let exit = CFFmpeg_AVERROR_EXIT()
    static let outOfMemory = CFFmpeg_AVERROR(ENOMEM)
    static let notPermitted = CFFmpeg_AVERROR(EPERM)
    static let noPTS = CFFmpeg_AV_NOPTS_VALUE()
}

/// What a call that may ask for more input or signal the end returned, once errors are out.
enum FFmpegProgress: Equatable {
    /// Success (the non-negative return value).
    case ok(Int32)
    /// AVERROR(EAGAIN): feed more input, or drain output, first.
    case again
    /// AVERROR_EOF: nothing more will come.
    case eof
}

/// The one choke point for FFmpeg return codes: a negative value becomes an `FFmpegError`
/// naming the function, anything else is returned unchanged.
@discardableResult
func check(_ result: Int32, function: String) throws(FFmpegError) -> Int32 {
    if result < 0 { throw FFmpegError(function: function, code: result) }
    return result
}

/// `check` for the calls where EAGAIN and EOF are control flow (send/receive, read_frame):
/// those two come back as `.again`/`.eof`, every other negative code is thrown.
func progress(_ result: Int32, function: String) throws(FFmpegError) -> FFmpegProgress {
    if result == FFmpegStatus.tryAgain { return .again }
    if result == FFmpegStatus.endOfFile { return .eof }
    return .ok(try check(result, function: function))
}

/// `check` for allocators: NULL becomes AVERROR(ENOMEM) naming the function.
func allocated<T>(_ pointer: T?, function: String) throws(FFmpegError) -> T {
    guard let pointer else { throw FFmpegError.outOfMemory(function) }
    return pointer
}
