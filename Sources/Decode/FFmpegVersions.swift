import CFFmpeg

/// The versions of the FFmpeg libraries Keyprint is running against, for the audit trail.
public enum FFmpegVersions {
    /// e.g. `FFmpeg 5.1.6; libavformat 59.27.100, libavcodec 59.37.100, libswscale 6.7.100, libavutil 57.28.100`.
    public static var summary: String {
        let release = String(cString: av_version_info())
        let libraries = [("libavformat", avformat_version()), ("libavcodec", avcodec_version()),
                         ("libswscale", swscale_version()), ("libavutil", avutil_version())]
        return "FFmpeg \(release); " + libraries.map { "\($0.0) \(dotted($0.1))" }.joined(separator: ", ")
    }

    /// FFmpeg packs versions as major << 16 | minor << 8 | micro.
    static func dotted(_ version: UInt32) -> String {
        "\(version >> 16).\((version >> 8) & 0xFF).\(version & 0xFF)"
    }
}
