import CFFmpeg
import KeyprintModel

/// Cuts JPEG thumbnails out of one evidence file at stored frame times, for the examiner's
/// report: seek, decode the frame shown at that time, scale it upright to the picture's display
/// shape, encode it with libavcodec's MJPEG encoder.
///
/// The file is opened as a scan opens it (`EvidenceFile`: one descriptor, O_NOFOLLOW, regular
/// files only, read through our own AVIOContext; FFmpeg opens nothing else), and never
/// written or copied. A file whose size or modification time is not what its scan stored is
/// refused (`Failure.changedSinceScan`) before a frame is decoded, and `verifyUnchanged()`
/// checks the descriptor and the path again after cutting: thumbnails never show other bytes
/// than the ones the hashes describe. Not `Sendable`: it stays in the task that made it.
public final class ThumbnailCutter {
    public let path: String
    /// The thumbnail's size, upright (rotation applied, sample aspect ratio honoured).
    public let width: Int
    public let height: Int

    /// The one descriptor the thumbnails are cut from (for a custody re-hash of the same bytes).
    public let file: EvidenceFile
    private let reader: VideoReader
    private let encoder: JPEGEncoder
    private let rotation: Int
    /// The decoded frame scaled to the encoder's colour format, before rotation.
    private let scaled: Frame
    /// The picture the encoder takes (rotated `scaled`, or `scaled` itself when upright).
    private let upright: Frame
    private var scaler: OpaquePointer?

    /// One cut picture: a JPEG file's bytes and the presentation time of the frame it shows.
    public struct Thumbnail: Sendable, Equatable {
        public var jpeg: [UInt8]
        public var width: Int
        public var height: Int
        public var frameTime: Double
    }

    /// Why no thumbnail came out of a file.
    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        /// The file's size or modification time differs from what its scan stored.
        case changedSinceScan(path: String, change: String)
        /// The file cannot be opened or decoded now.
        case cannotRead(path: String, reason: String)

        public var description: String {
            switch self {
            case .changedSinceScan(_, let change): return "the file changed since it was scanned (\(change)); no frames are shown from other bytes"
            case .cannotRead(_, let reason): return "cannot cut frames: \(reason)"
            }
        }
    }

    /// Opens the evidence file at `fileSystemPath` read-only and checks it against what its scan
    /// stored (`scannedSize`, `scannedModificationNanoseconds`; nil skips that check).
    /// `maxWidth`: the thumbnail's width at most (never wider than the picture).
    public init(fileSystemPath: FileSystemPath, displayPath: String, scannedSize: Int64?, scannedModificationNanoseconds: Int64?,
                maxWidth: Int = 240, timeBudget: Double? = 120) throws(Failure) {
        path = displayPath
        do {
            file = try EvidenceFile(fileSystemPath: fileSystemPath, displayPath: displayPath)
        } catch {
            throw .cannotRead(path: displayPath, reason: error.description)
        }
        let opened = file.opened
        if let scannedSize, opened.size != scannedSize {
            throw .changedSinceScan(path: displayPath, change: "size \(scannedSize) → \(opened.size) bytes")
        }
        if let scanned = scannedModificationNanoseconds, opened.mtimeNanoseconds != scanned {
            throw .changedSinceScan(path: displayPath, change: "modification time \(FileIdentity.seconds(scanned)) → \(FileIdentity.seconds(opened.mtimeNanoseconds))")
        }
        do {
            reader = try VideoReader(file: file, options: DecodeOptions(threads: 1), deadline: Deadline(budget: timeBudget))
        } catch {
            throw .cannotRead(path: displayPath, reason: error.description)
        }
        let info = reader.info
        rotation = info.rotation
        let size = Self.thumbnailSize(displayWidth: info.displayWidth, displayHeight: info.displayHeight, maxWidth: maxWidth)
        width = size.width
        height = size.height
        let sideways = rotation == 90 || rotation == 270
        do {
            encoder = try JPEGEncoder(width: width, height: height)
            scaled = try Self.picture(width: sideways ? height : width, height: sideways ? width : height)
            upright = rotation == 0 ? scaled : try Self.picture(width: width, height: height)
        } catch {
            throw .cannotRead(path: displayPath, reason: error.description)
        }
    }

    deinit { sws_freeContext(scaler) }

    /// An even size (4:2:0 needs it) of the display shape, `maxWidth` wide at most.
    static func thumbnailSize(displayWidth: Int, displayHeight: Int, maxWidth: Int) -> (width: Int, height: Int) {
        let w = max(2, displayWidth), h = max(2, displayHeight)
        let width = max(2, min(maxWidth, w) & ~1)
        let height = max(2, Int((Double(width) * Double(h) / Double(w)).rounded()) & ~1)
        return (width, height)
    }

    /// The thumbnail of the frame shown at `time` (seconds from the stream's start, as stored).
    public func cut(at time: Double) throws(Failure) -> Thumbnail {
        do {
            return try reader.withFrame(at: time) { frame, frameTime in
                try scale(frame)
                if rotation != 0 { try rotate() }
                let jpeg = try encoder.encode(upright.pointer)
                return Thumbnail(jpeg: jpeg, width: width, height: height, frameTime: frameTime)
            }
        } catch let error as DecodeError {
            throw .cannotRead(path: path, reason: error.description)
        } catch let error as FFmpegError {
            throw .cannotRead(path: path, reason: "\(error.message) (\(error.function))")
        } catch {
            throw .cannotRead(path: path, reason: "\(error)")
        }
    }

    /// Throws unless the descriptor and the path still show the file as it was opened.
    public func verifyUnchanged() throws(Failure) {
        let now: FileIdentity
        do { now = try file.current() } catch { throw .cannotRead(path: path, reason: error.description) }
        if let change = file.opened.change(to: now) { throw .changedSinceScan(path: path, change: change) }
        guard let atPath = file.atPath() else { throw .changedSinceScan(path: path, change: "the path names nothing now") }
        if let change = file.opened.change(to: atPath) { throw .changedSinceScan(path: path, change: change) }
    }

    private static func picture(width: Int, height: Int) throws(FFmpegError) -> Frame {
        let frame = try Frame()
        frame.pointer.pointee.format = AV_PIX_FMT_YUVJ420P.rawValue
        frame.pointer.pointee.width = Int32(width)
        frame.pointer.pointee.height = Int32(height)
        frame.pointer.pointee.color_range = AVCOL_RANGE_JPEG
        try check(av_frame_get_buffer(frame.pointer, 0), function: "av_frame_get_buffer")
        return frame
    }

    /// Scales (and converts) the decoded frame into `scaled`, full range.
    private func scale(_ frame: UnsafeMutablePointer<AVFrame>) throws(FFmpegError) {
        let target = scaled.pointer
        try check(av_frame_make_writable(target), function: "av_frame_make_writable")
        let srcW = frame.pointee.width, srcH = frame.pointee.height
        let dstW = target.pointee.width, dstH = target.pointee.height
        scaler = sws_getCachedContext(scaler, srcW, srcH, AVPixelFormat(rawValue: frame.pointee.format), dstW, dstH,
                                      AV_PIX_FMT_YUVJ420P, SWS_BICUBIC, nil, nil, nil)
        guard let scaler else { throw FFmpegError(function: "sws_getCachedContext", code: CFFmpeg_AVERROR(EINVAL)) }
        var invTable: UnsafeMutablePointer<Int32>?, table: UnsafeMutablePointer<Int32>?
        var srcRange: Int32 = 0, dstRange: Int32 = 0, brightness: Int32 = 0, contrast: Int32 = 0, saturation: Int32 = 0
        if sws_getColorspaceDetails(scaler, &invTable, &srcRange, &table, &dstRange, &brightness, &contrast, &saturation) >= 0,
           let invTable, let table {
            let fullRangeSource = frame.pointee.color_range == AVCOL_RANGE_JPEG ? 1 : srcRange
            sws_setColorspaceDetails(scaler, invTable, fullRangeSource, table, 1, brightness, contrast, saturation)
        }
        let rows: Int32 = withUnsafePointer(to: &frame.pointee.data) { srcData in
            withUnsafePointer(to: &frame.pointee.linesize) { srcStride in
                withUnsafePointer(to: &target.pointee.data) { dstData in
                    withUnsafePointer(to: &target.pointee.linesize) { dstStride in
                        srcData.withMemoryRebound(to: UnsafePointer<UInt8>?.self, capacity: 8) { src in
                            srcStride.withMemoryRebound(to: Int32.self, capacity: 8) { srcLines in
                                dstData.withMemoryRebound(to: UnsafeMutablePointer<UInt8>?.self, capacity: 8) { dst in
                                    dstStride.withMemoryRebound(to: Int32.self, capacity: 8) { dstLines in
                                        sws_scale(scaler, src, srcLines, 0, srcH, dst, dstLines)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        try check(rows == 0 ? CFFmpeg_AVERROR(EINVAL) : rows, function: "sws_scale")
    }

    /// Turns `scaled` clockwise by the stream's rotation into `upright`, plane by plane.
    private func rotate() throws(FFmpegError) {
        let source = scaled.pointer, target = upright.pointer
        try check(av_frame_make_writable(target), function: "av_frame_make_writable")
        let w = Int(source.pointee.width), h = Int(source.pointee.height)
        let planes: [(UnsafeMutablePointer<UInt8>?, Int32, UnsafeMutablePointer<UInt8>?, Int32, Int, Int)] = [
            (source.pointee.data.0, source.pointee.linesize.0, target.pointee.data.0, target.pointee.linesize.0, w, h),
            (source.pointee.data.1, source.pointee.linesize.1, target.pointee.data.1, target.pointee.linesize.1, w / 2, h / 2),
            (source.pointee.data.2, source.pointee.linesize.2, target.pointee.data.2, target.pointee.linesize.2, w / 2, h / 2),
        ]
        for (src, srcStride, dst, dstStride, pw, ph) in planes {
            guard let src, let dst else { continue }
            Self.rotate(src, stride: Int(srcStride), width: pw, height: ph, into: dst, stride: Int(dstStride), clockwise: rotation)
        }
    }

    /// One plane turned clockwise by 90, 180 or 270 degrees (the convention of `LumaFrame.rotated`).
    static func rotate(_ src: UnsafePointer<UInt8>, stride: Int, width w: Int, height h: Int,
                       into dst: UnsafeMutablePointer<UInt8>, stride out: Int, clockwise turn: Int) {
        for y in 0..<h {
            let row = src + y * stride
            for x in 0..<w {
                switch turn {
                case 90: dst[x * out + (h - 1 - y)] = row[x]
                case 180: dst[(h - 1 - y) * out + (w - 1 - x)] = row[x]
                default: dst[(w - 1 - x) * out + y] = row[x]
                }
            }
        }
    }
}
