/// File names as the file system spells them (bytes) and as Keyprint stores and shows them
/// (text), one-to-one: a name that is valid UTF-8 is its own text, except that a backslash is
/// written `\\`; a byte that is not part of valid UTF-8 is written `\xNN` (two lower-case hex
/// digits). So `bad\xff\xfename.mp4` and a real `bad��name.mp4` stay two files, and the text
/// gives back the exact bytes to open.
public enum EvidenceName {
    /// The stored text of a name or relative path given as bytes.
    public static func text(fromBytes bytes: some Collection<UInt8>) -> String {
        let b = Array(bytes)
        var out = ""
        out.reserveCapacity(b.count)
        var i = 0
        while i < b.count {
            let n = validSequenceLength(b, at: i)
            if n == 0 {
                out += "\\x" + hex(b[i])
                i += 1
            } else if b[i] == UInt8(ascii: "\\") {
                out += "\\\\"
                i += 1
            } else {
                out += String(decoding: b[i..<(i + n)], as: UTF8.self)
                i += n
            }
        }
        return out
    }

    /// The bytes a stored text names. Text that did not come from `text(fromBytes:)` (a lone
    /// backslash, an unknown escape) is taken as it is written.
    public static func bytes(fromText text: String) -> [UInt8] {
        let t = Array(text.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(t.count)
        var i = 0
        while i < t.count {
            if t[i] == UInt8(ascii: "\\"), i + 1 < t.count {
                if t[i + 1] == UInt8(ascii: "\\") { out.append(t[i]); i += 2; continue }
                if t[i + 1] == UInt8(ascii: "x"), i + 3 < t.count, let high = nibble(t[i + 2]), let low = nibble(t[i + 3]) {
                    out.append(high << 4 | low)
                    i += 4
                    continue
                }
            }
            out.append(t[i])
            i += 1
        }
        return out
    }

    /// True when the text stands for exactly its own UTF-8 (no escapes were needed).
    public static func isPlain(_ text: String) -> Bool { !text.utf8.contains(UInt8(ascii: "\\")) }

    /// Length of the valid UTF-8 sequence starting at `i` (1…4), 0 when the byte there does not
    /// start one (overlong forms, surrogates and values past U+10FFFF are invalid).
    static func validSequenceLength(_ b: [UInt8], at i: Int) -> Int {
        let lead = b[i]
        func continuation(_ k: Int, _ range: ClosedRange<UInt8> = 0x80...0xBF) -> Bool { i + k < b.count && range.contains(b[i + k]) }
        switch lead {
        case 0x00...0x7F: return 1
        case 0xC2...0xDF: return continuation(1) ? 2 : 0
        case 0xE0: return continuation(1, 0xA0...0xBF) && continuation(2) ? 3 : 0
        case 0xE1...0xEC, 0xEE...0xEF: return continuation(1) && continuation(2) ? 3 : 0
        case 0xED: return continuation(1, 0x80...0x9F) && continuation(2) ? 3 : 0
        case 0xF0: return continuation(1, 0x90...0xBF) && continuation(2) && continuation(3) ? 4 : 0
        case 0xF1...0xF3: return continuation(1) && continuation(2) && continuation(3) ? 4 : 0
        case 0xF4: return continuation(1, 0x80...0x8F) && continuation(2) && continuation(3) ? 4 : 0
        default: return 0
        }
    }

    static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789abcdef")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 15)]])
    }

    static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}

/// A path as the C library takes it: its bytes and a terminating NUL.
public struct FileSystemPath: Sendable, Equatable {
    public let bytes: [UInt8]

    public init(bytes: [UInt8]) { self.bytes = bytes }
    public init(_ path: String) { bytes = Array(path.utf8) }

    /// `root` (a path as the system gave it) joined with a stored relative path.
    public init(root: String, relative: String) {
        bytes = Array(root.utf8) + [UInt8(ascii: "/")] + EvidenceName.bytes(fromText: relative)
    }

    public func appending(_ name: [UInt8]) -> FileSystemPath { FileSystemPath(bytes: bytes + [UInt8(ascii: "/")] + name) }

    /// Calls `body` with the path as a NUL-terminated C string.
    public func withCString<R>(_ body: (UnsafePointer<CChar>) throws -> R) rethrows -> R {
        try (bytes + [0]).withUnsafeBufferPointer { buffer in
            try buffer.withMemoryRebound(to: CChar.self) { try body($0.baseAddress!) }
        }
    }
}
