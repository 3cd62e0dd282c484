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

    public var description: String { "\(function) failed: \(message) (code \(code))" }

    static func text(for code: Int32) -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        CFFmpeg_strerror(code, &buffer, buffer.count)
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// FFmpeg return codes that are control flow, not failures.
enum FFmpegStatus {
    static let endOfFile = CFFmpeg_AVERROR_EOF()
    static let tryAgain = CFFmpeg_AVERROR_EAGAIN()
    static let exit = CFFmpeg_AVERROR_EXIT()
    static let noPTS = CFFmpeg_AV_NOPTS_VALUE()
}

/// The one choke point for FFmpeg return codes: a negative value becomes an `FFmpegError`
/// naming the function, anything else is returned unchanged.
@discardableResult
func check(_ result: Int32, function: String) throws(FFmpegError) -> Int32 {
    if result < 0 { throw FFmpegError(function: function, code: result) }
    return result
}
