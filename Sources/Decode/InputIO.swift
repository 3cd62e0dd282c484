import CFFmpeg
import KeyprintModel

/// A custom AVIOContext that reads one `EvidenceFile` through its descriptor (pread), so that
/// FFmpeg decodes exactly the file that was opened and hashed and never opens a path itself.
/// Reads stop at `length` (the size the file had when it was opened and hashed), and every
/// read after the deadline fails with AVERROR_EXIT.
///
/// Owns the AVIOContext and its buffer and frees both in `deinit`. The owner of the format
/// context that reads from it must keep it alive for as long (`FormatContext` holds it).
final class InputIO {
    let file: EvidenceFile
    let length: Int64
    let deadline: Deadline
    private(set) var context: UnsafeMutablePointer<AVIOContext>!
    private var position: Int64 = 0
    /// The first error a read ran into (FFmpeg keeps only the code).
    private(set) var readFailure: EvidenceFile.Failure?

    static let bufferSize: Int32 = 1 << 15

    init(file: EvidenceFile, length: Int64, deadline: Deadline) throws(FFmpegError) {
        self.file = file
        self.length = length
        self.deadline = deadline
        let buffer = try allocated(av_malloc(Int(Self.bufferSize)), function: "av_malloc").assumingMemoryBound(to: UInt8.self)
        let opaque = Unmanaged.passUnretained(self).toOpaque()
        guard let io = avio_alloc_context(buffer, Self.bufferSize, 0, opaque, { opaque, buffer, size in
            InputIO.from(opaque).read(into: buffer, count: size)
        }, nil, { opaque, offset, whence in
            InputIO.from(opaque).seek(offset, whence: whence)
        }) else {
            av_free(buffer)
            throw FFmpegError.outOfMemory("avio_alloc_context")
        }
        context = io
    }

    deinit {
        // FFmpeg may have replaced the buffer it was given: free the one it holds now.
        av_freep(&context.pointee.buffer)
        avio_context_free(&context)
    }

    private static func from(_ opaque: UnsafeMutableRawPointer?) -> InputIO {
        Unmanaged<InputIO>.fromOpaque(opaque!).takeUnretainedValue()
    }

    private func read(into buffer: UnsafeMutablePointer<UInt8>?, count: Int32) -> Int32 {
        guard let buffer, count > 0 else { return CFFmpeg_AVERROR(EINVAL) }
        if deadline.hasPassed { return FFmpegStatus.exit }
        let wanted = Int(min(Int64(count), length - position))
        if wanted <= 0 { return FFmpegStatus.endOfFile }
        do {
            let n = try file.read(into: buffer, count: wanted, at: position)
            // Shorter than the size it was opened with: it shrank; the after-check reports it.
            if n == 0 { return FFmpegStatus.endOfFile }
            position += Int64(n)
            return Int32(n)
        } catch {
            if readFailure == nil { readFailure = error }
            if case .systemCall(_, let code) = error { return CFFmpeg_AVERROR(code) }
            return CFFmpeg_AVERROR(EIO)
        }
    }

    private func seek(_ offset: Int64, whence: Int32) -> Int64 {
        if whence & AVSEEK_SIZE != 0 { return length }
        let target: Int64
        switch whence & ~AVSEEK_FORCE {
        case SEEK_SET: target = offset
        case SEEK_CUR: target = position + offset
        case SEEK_END: target = length + offset
        default: return Int64(CFFmpeg_AVERROR(EINVAL))
        }
        guard target >= 0 else { return Int64(CFFmpeg_AVERROR(EINVAL)) }
        position = target
        return target
    }
}
