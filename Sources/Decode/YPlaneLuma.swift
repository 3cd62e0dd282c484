import CFFmpeg
import KeyprintModel

/// PDQ luma read straight from the Y plane of 8-bit YUV frames at native size.
///
/// With the BT.601 conversion (limited range) R = Y′ + 1.402 Cr, G = Y′ − 0.344 Cb − 0.714 Cr,
/// B = Y′ + 1.772 Cb, where Y′ = 255/219·(Y − 16); PDQ's weights 0.299/0.587/0.114 sum to 1 and
/// cancel the Cb and Cr terms (to 4 decimals), so 0.299 R + 0.587 G + 0.114 B = Y′. The RGB route
/// differs only where it rounds R, G, B to 8 bits or clips out-of-gamut colours. Full range has
/// Y′ = Y. Only the Y plane is read: no chroma work, no intermediate RGB buffer.
enum YPlaneLuma {
    enum Range: Equatable { case limited, full }

    /// The range of `frame`'s Y plane when it is 8-bit planar YUV (Y alone in plane 0, one byte
    /// a sample); nil for every other layout (RGB, palette, gray, Bayer, hardware, > 8 bits),
    /// which takes the swscale route. Full range: a yuvj* format or `color_range` JPEG.
    static func range(of frame: UnsafePointer<AVFrame>) -> Range? {
        let format = AVPixelFormat(rawValue: frame.pointee.format)
        guard let desc = av_pix_fmt_desc_get(format) else { return nil }
        let flags = desc.pointee.flags
        let excluded = UInt64(AV_PIX_FMT_FLAG_RGB) | UInt64(AV_PIX_FMT_FLAG_PAL) | UInt64(AV_PIX_FMT_FLAG_HWACCEL)
            | UInt64(AV_PIX_FMT_FLAG_BAYER)
        guard desc.pointee.nb_components >= 3, flags & excluded == 0, flags & UInt64(AV_PIX_FMT_FLAG_PLANAR) != 0 else { return nil }
        let y = desc.pointee.comp.0
        guard y.plane == 0, y.step == 1, y.depth == 8, y.shift == 0, y.offset == 0 else { return nil }
        guard frame.pointee.data.0 != nil, frame.pointee.linesize.0 >= frame.pointee.width else { return nil }
        let jpegFormat = [AV_PIX_FMT_YUVJ420P, AV_PIX_FMT_YUVJ422P, AV_PIX_FMT_YUVJ444P, AV_PIX_FMT_YUVJ440P, AV_PIX_FMT_YUVJ411P]
            .contains(format)
        return jpegFormat || frame.pointee.color_range == AVCOL_RANGE_JPEG ? .full : .limited
    }

    /// Writes the luma of a `width`×`height` Y plane (rows `stride` bytes apart) into `out`
    /// (row-major, `width` floats a row).
    static func read(plane: UnsafePointer<UInt8>, stride: Int, width: Int, height: Int, range: Range,
                     into out: UnsafeMutablePointer<Float>) {
        for y in 0..<height {
            let row = plane + y * stride, target = out + y * width
            switch range {
            case .full:
                for x in 0..<width { target[x] = Float(row[x]) }
            case .limited:
                for x in 0..<width { target[x] = level(row[x]) }
            }
        }
    }

    /// A limited-range Y sample on PDQ's 0…255 scale: 255/219·(Y − 16), clamped.
    @inline(__always)
    static func level(_ y: UInt8) -> Float {
        Swift.min(255, Swift.max(0, (Float(y) - 16) * (255 / 219 as Float)))
    }
}
