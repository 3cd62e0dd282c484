import CFFmpeg
import KeyprintModel

/// Converts decoded frames of any pixel format to a PDQ luma plane.
///
/// PDQ's luma is Y = 0.299 R + 0.587 G + 0.114 B of the frame's RGB. For YUV that is, up to the
/// rounding and clipping of the 8-bit R, G, B, the stored Y itself, stretched to 0…255 when it
/// is limited range: the BT.601 YUV→RGB conversion's chroma terms cancel under those weights.
///
/// - Native size, 8-bit planar YUV (yuv420p, yuvj420p, yuv422p, yuv444p, nv12…), the default:
///   the luma is read straight from the Y plane, no libswscale (`YPlaneLuma`). Limited range:
///   255/219·(Y−16), clamped to 0…255; full range (yuvj*, or `color_range` JPEG): Y. Within
///   about one level of the RGB route; vPDQ's hashes are reproduced within a few bits.
/// - Native size with `exactVPDQLuma`, and every other pixel format (RGB, palette, gray,
///   high bit depth; images, GIFs, screen codecs): libswscale converts to packed RGB (RGB0: the
///   same values as the RGB24 vPDQ asks for, one 32-bit word a pixel so the luma loop
///   vectorises) and the PDQ weights are applied, as vPDQ does: bit for bit vPDQ's luma.
/// - A reduced size: YUV frames go to full-range GRAY8 at that size through libswscale (only
///   the Y plane is scaled, area averaging when shrinking, limited range stretched to 0…255).
///
/// Owns its libswscale context (made on first use, re-made by `sws_getCachedContext` when the
/// frame geometry changes) and frees it in `deinit`.
final class LumaScaler {
    private var context: OpaquePointer?
    private var configured: Key?
    private var buffer: [UInt8] = []
    private var luma: [Float] = []

    struct Plane { var width: Int; var height: Int; var pixels: [Float] }

    private struct Key: Equatable {
        var srcW: Int32, srcH: Int32, srcFormat: Int32, dstW: Int32, dstH: Int32
    }

    /// True when `format` is a YUV (or gray) layout whose first plane is luma.
    static func hasLumaPlane(_ format: AVPixelFormat) -> Bool {
        guard let desc = av_pix_fmt_desc_get(format) else { return false }
        let flags = desc.pointee.flags
        return flags & UInt64(AV_PIX_FMT_FLAG_RGB) == 0 && flags & UInt64(AV_PIX_FMT_FLAG_PAL) == 0
            && flags & UInt64(AV_PIX_FMT_FLAG_HWACCEL) == 0 && flags & UInt64(AV_PIX_FMT_FLAG_BAYER) == 0
    }

    /// The luma plane of `frame` at `size` (nil: native). `exact` keeps native-size YUV on the
    /// swscale RGB route (vPDQ's luma bit for bit) instead of reading the Y plane.
    func luma(of frame: UnsafeMutablePointer<AVFrame>, size: (width: Int, height: Int)?, exact: Bool = false,
                       path: String) throws -> Plane {
        if size == nil, !exact, let range = YPlaneLuma.range(of: frame) {
            let width = Int(frame.pointee.width), height = Int(frame.pointee.height)
            if luma.count != width * height { luma = [Float](repeating: 0, count: width * height) }
            luma.withUnsafeMutableBufferPointer { out in
                YPlaneLuma.read(plane: frame.pointee.data.0!, stride: Int(frame.pointee.linesize.0),
                                width: width, height: height, range: range, into: out.baseAddress!)
            }
            return Plane(width: width, height: height, pixels: luma)
        }
        let srcW = frame.pointee.width, srcH = frame.pointee.height
        let dstW = Int32(size?.width ?? Int(srcW)), dstH = Int32(size?.height ?? Int(srcH))
        let srcFormat = AVPixelFormat(rawValue: frame.pointee.format)
        // At native resolution swscale's route is RGB: the exact vPDQ luma, and the one route for
        // frames without an 8-bit Y plane.
        let gray = size != nil && Self.hasLumaPlane(srcFormat)
        let dstFormat = gray ? AV_PIX_FMT_GRAY8 : AV_PIX_FMT_RGB0
        let flags = (dstW < srcW || dstH < srcH) ? SWS_AREA : SWS_BICUBIC
        context = sws_getCachedContext(context, srcW, srcH, srcFormat, dstW, dstH, dstFormat, flags, nil, nil, nil)
        guard let context else {
            // NULL: swscale cannot convert this geometry or format (it gives no code of its own).
            throw DecodeError.failed(path: path, ffmpeg: FFmpegError(function: "sws_getCachedContext", code: CFFmpeg_AVERROR(EINVAL)))
        }
        let key = Key(srcW: srcW, srcH: srcH, srcFormat: frame.pointee.format, dstW: dstW, dstH: dstH)
        if gray && configured != key {
            // Keep the source's range and matrix as swscale chose them; ask for full-range output.
            var invTable: UnsafeMutablePointer<Int32>?
            var table: UnsafeMutablePointer<Int32>?
            var srcRange: Int32 = 0, dstRange: Int32 = 0, brightness: Int32 = 0, contrast: Int32 = 0, saturation: Int32 = 0
            if sws_getColorspaceDetails(context, &invTable, &srcRange, &table, &dstRange, &brightness, &contrast, &saturation) >= 0,
               let invTable, let table {
                sws_setColorspaceDetails(context, invTable, srcRange, table, 1, brightness, contrast, saturation)
            }
            configured = key
        }
        let channels = gray ? 1 : 4
        // swscale's SIMD paths write whole vectors: give each row an aligned stride and the
        // buffer a tail of padding, as av_image_alloc would.
        let stride = (Int(dstW) * channels + 63) & ~63
        let count = stride * Int(dstH)
        if buffer.count != count + 64 { buffer = [UInt8](repeating: 0, count: count + 64) }
        let scaled: Int32 = buffer.withUnsafeMutableBufferPointer { out in
            withUnsafePointer(to: &frame.pointee.data) { dataTuple in
                withUnsafePointer(to: &frame.pointee.linesize) { linesizeTuple in
                    dataTuple.withMemoryRebound(to: UnsafePointer<UInt8>?.self, capacity: 8) { src in
                        linesizeTuple.withMemoryRebound(to: Int32.self, capacity: 8) { srcStride in
                            var dst: [UnsafeMutablePointer<UInt8>?] = [out.baseAddress, nil, nil, nil]
                            var dstStride: [Int32] = [Int32(stride), 0, 0, 0]
                            return sws_scale(context, src, srcStride, 0, srcH, &dst, &dstStride)
                        }
                    }
                }
            }
        }
        do {
            // sws_scale returns the output height; 0 rows is as much a failure as a negative code.
            try check(scaled == 0 ? CFFmpeg_AVERROR(EINVAL) : scaled, function: "sws_scale")
        } catch {
            throw DecodeError.failed(path: path, ffmpeg: error)
        }
        let width = Int(dstW), height = Int(dstH)
        // The plane is reused from frame to frame: once the caller has let go of the previous
        // frame the array is unique again and is written in place (no fresh pages per frame).
        if luma.count != width * height { luma = [Float](repeating: 0, count: width * height) }
        luma.withUnsafeMutableBufferPointer { l in
            buffer.withUnsafeBufferPointer { p in
                let source = p.baseAddress!, target = l.baseAddress!
                for y in 0..<height {
                    let row = source + y * stride, out = target + y * width
                    if gray {
                        for x in 0..<width { out[x] = Float(row[x]) }
                    } else {
                        Self.pdqLuma(rgb: row, into: out, count: width)
                    }
                }
            }
        }
        return Plane(width: Int(dstW), height: Int(dstH), pixels: luma)
    }

    /// Y = 0.299 R + 0.587 G + 0.114 B over one row of RGB0 (R, G, B, unused: one 32-bit word
    /// a pixel, so the loop vectorises).
    @inline(__always)
    private static func pdqLuma(rgb row: UnsafePointer<UInt8>, into out: UnsafeMutablePointer<Float>, count: Int) {
        let r = PDQLuma.red, g = PDQLuma.green, b = PDQLuma.blue
        UnsafeRawPointer(row).withMemoryRebound(to: UInt32.self, capacity: count) { words in
            for x in 0..<count {
                let v = UInt32(littleEndian: words[x])
                out[x] = r * Float(v & 0xFF) + g * Float((v >> 8) & 0xFF) + b * Float((v >> 16) & 0xFF)
            }
        }
    }

    deinit { sws_freeContext(context) }
}
