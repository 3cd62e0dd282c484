import CFFmpeg

/// Converts decoded frames of any pixel format to a PDQ luma plane with libswscale:
/// RGB24 at the requested size (area averaging when shrinking), then
/// Y = 0.299 R + 0.587 G + 0.114 B as the PDQ reference computes it.
struct LumaScaler {
    private var context: OpaquePointer?
    private var rgb: [UInt8] = []

    struct Plane { var width: Int; var height: Int; var pixels: [Float] }

    mutating func luma(of frame: UnsafeMutablePointer<AVFrame>, size: (width: Int, height: Int)?, path: String) throws -> Plane {
        let srcW = frame.pointee.width, srcH = frame.pointee.height
        let dstW = Int32(size?.width ?? Int(srcW)), dstH = Int32(size?.height ?? Int(srcH))
        let srcFormat = AVPixelFormat(rawValue: frame.pointee.format)
        let flags = (dstW < srcW || dstH < srcH) ? SWS_AREA : SWS_BICUBIC
        context = sws_getCachedContext(context, srcW, srcH, srcFormat, dstW, dstH, AV_PIX_FMT_RGB24, flags, nil, nil, nil)
        guard let context else {
            throw DecodeError.failed(path: path, ffmpeg: FFmpegError(function: "sws_getCachedContext", code: -22))
        }
        // swscale's SIMD paths write whole vectors: give each row an aligned stride and the
        // buffer a tail of padding, as av_image_alloc would.
        let stride = (Int(dstW) * 3 + 63) & ~63
        let count = stride * Int(dstH)
        if rgb.count != count + 64 { rgb = [UInt8](repeating: 0, count: count + 64) }
        let scaled: Int32 = rgb.withUnsafeMutableBufferPointer { out in
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
        if scaled <= 0 {
            throw DecodeError.failed(path: path, ffmpeg: FFmpegError(function: "sws_scale", code: scaled < 0 ? scaled : -22))
        }
        let width = Int(dstW), height = Int(dstH)
        var luma = [Float](repeating: 0, count: width * height)
        rgb.withUnsafeBufferPointer { p in
            luma.withUnsafeMutableBufferPointer { l in
                for y in 0..<height {
                    let row = y * stride
                    for x in 0..<width {
                        let i = row + 3 * x
                        l[y * width + x] = PDQLuma.red * Float(p[i]) + PDQLuma.green * Float(p[i + 1]) + PDQLuma.blue * Float(p[i + 2])
                    }
                }
            }
        }
        return Plane(width: Int(dstW), height: Int(dstH), pixels: luma)
    }

    // sws_freeContext runs when the owner goes away.
    func release() { sws_freeContext(context) }
}

/// The luma coefficients PDQ uses (ITU-R BT.601).
public enum PDQLuma {
    public static let red: Float = 0.299
    public static let green: Float = 0.587
    public static let blue: Float = 0.114
}
