import KeyprintModel
import KeyprintIndex
import KeyprintStore
import KeyprintExport

/// What a file looks like from its first bytes and its name, before FFmpeg is asked. Used to
/// decide whether a file that FFmpeg cannot open is a damaged video (`failed`) or simply not a
/// video (`skipped`), and to name what it is.
public struct FileSignature: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// Content starts like a video container.
        case video(String)
        /// Content starts like a still image format FFmpeg decodes.
        case image(String)
        /// Content is recognisably something else (document, archive, text, audio…).
        case other(String)
        /// Nothing recognised.
        case unknown
        /// Zero bytes.
        case empty
    }

    public var kind: Kind
    /// The name ends in an extension used for video.
    public var hasVideoExtension: Bool

    public init(head: [UInt8], size: Int64, name: String) {
        hasVideoExtension = Self.videoExtensions.contains(Self.fileExtension(name))
        kind = size == 0 ? .empty : Self.recognise(head)
    }

    /// The file claims to be a video, by its name or its content.
    public var claimsVideo: Bool {
        if hasVideoExtension { return true }
        if case .video = kind { return true }
        return false
    }

    /// Worth handing to FFmpeg: anything not recognised as something else.
    public var worthProbing: Bool {
        switch kind {
        case .video, .image, .unknown: return true
        case .other: return hasVideoExtension
        case .empty: return false
        }
    }

    /// Words for what the content looks like.
    public var looksLike: String {
        switch kind {
        case .video(let name): return "\(name) data"
        case .image(let name): return "a \(name) image"
        case .other(let name): return name
        case .unknown: return "unrecognised binary data"
        case .empty: return "an empty file (0 bytes)"
        }
    }

    static let videoExtensions: Set<String> = [
        "mp4", "m4v", "mov", "qt", "mkv", "webm", "avi", "flv", "f4v", "wmv", "asf", "ts", "mts", "m2ts", "3gp", "3g2",
        "mpg", "mpeg", "m2v", "vob", "ogv", "divx", "dv", "mxf", "rm", "rmvb", "y4m", "h264", "264", "hevc", "h265",
    ]

    static func fileExtension(_ name: String) -> String {
        let last = name.split(separator: "/").last.map(String.init) ?? name
        guard let dot = last.lastIndex(of: "."), dot != last.startIndex else { return "" }
        return String(last[last.index(after: dot)...]).lowercased()
    }

    static func recognise(_ b: [UInt8]) -> Kind {
        func starts(_ bytes: [UInt8], at offset: Int = 0) -> Bool {
            b.count >= offset + bytes.count && Array(b[offset..<(offset + bytes.count)]) == bytes
        }
        func ascii(_ text: String, at offset: Int = 0) -> Bool { starts(Array(text.utf8), at: offset) }

        if ascii("ftyp", at: 4) {
            if ascii("heic", at: 8) || ascii("heix", at: 8) || ascii("mif1", at: 8) || ascii("avif", at: 8) { return .image("HEIF/AVIF") }
            if ascii("M4A ", at: 8) { return .other("MPEG-4 audio (M4A)") }
            return .video("MP4/QuickTime")
        }
        if ascii("moov", at: 4) || ascii("mdat", at: 4) || ascii("wide", at: 4) || ascii("free", at: 4) { return .video("QuickTime") }
        if starts([0x1A, 0x45, 0xDF, 0xA3]) { return .video("Matroska/WebM") }
        if ascii("RIFF") && ascii("AVI ", at: 8) { return .video("AVI") }
        if ascii("RIFF") && ascii("WEBP", at: 8) { return .image("WebP") }
        if ascii("RIFF") && ascii("WAVE", at: 8) { return .other("WAV audio") }
        if ascii("FLV") { return .video("FLV") }
        if starts([0x30, 0x26, 0xB2, 0x75, 0x8E, 0x66, 0xCF, 0x11]) { return .video("ASF/WMV") }
        if starts([0x00, 0x00, 0x01, 0xBA]) || starts([0x00, 0x00, 0x01, 0xB3]) { return .video("MPEG program stream") }
        if b.count > 188, b[0] == 0x47, b[188] == 0x47 { return .video("MPEG transport stream") }
        if b.count > 196, b[4] == 0x47, b[196] == 0x47 { return .video("MPEG transport stream (M2TS)") }
        if ascii("OggS") { return .video("Ogg") }
        if ascii("YUV4MPEG2") { return .video("Y4M") }
        if starts([0x00, 0x00, 0x00, 0x01]) && b.count > 4 && (b[4] & 0x1F == 7 || (b[4] >> 1) & 0x3F == 32) { return .video("H.264/HEVC elementary stream") }
        if starts([0xFF, 0xD8, 0xFF]) { return .image("JPEG") }
        if starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .image("PNG") }
        if ascii("GIF87a") || ascii("GIF89a") { return .image("GIF") }
        if ascii("BM") && b.count > 14 { return .image("BMP") }
        if ascii("%PDF") { return .other("a PDF document") }
        if starts([0x50, 0x4B, 0x03, 0x04]) { return .other("a ZIP archive (or Office document)") }
        if starts([0x1F, 0x8B]) { return .other("gzip-compressed data") }
        if ascii("7z") && starts([0xBC, 0xAF], at: 2) { return .other("a 7-Zip archive") }
        if ascii("SQLite format 3") { return .other("an SQLite database") }
        if starts([0x7F, 0x45, 0x4C, 0x46]) { return .other("an ELF executable") }
        if ascii("ID3") || starts([0xFF, 0xFB]) || starts([0xFF, 0xF3]) { return .other("MP3 audio") }
        if ascii("fLaC") { return .other("FLAC audio") }
        if looksLikeText(b) { return .other("text") }
        return .unknown
    }

    /// Valid UTF-8 without control characters other than tab, newline, carriage return, form feed.
    static func looksLikeText(_ b: [UInt8]) -> Bool {
        guard !b.isEmpty else { return false }
        // A multi-byte character may be cut at the end of the head: drop up to 3 trailing bytes.
        var bytes = b[...]
        for _ in 0..<3 where !bytes.isEmpty && String(validating: bytes, as: UTF8.self) == nil { bytes = bytes.dropLast() }
        guard String(validating: bytes, as: UTF8.self) != nil else { return false }
        return !bytes.contains { $0 < 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D && $0 != 0x0C }
    }
}
