/// A streaming JSON reader of our own: it pulls bytes in chunks from `more` and hands out one
/// event at a time, so a document of any size is read in the memory of one chunk plus the
/// current string. It checks the grammar (RFC 8259) as it goes; an error names the line.
public struct JSONPullParser {
    public enum Event: Equatable, Sendable {
        case objectStart, objectEnd, arrayStart, arrayEnd
        case key(String)
        case string(String)
        /// A number as written (kept as text: a category is never reinterpreted).
        case number(String)
        case bool(Bool)
        case null
    }

    private enum Expect { case value, firstKeyOrEnd, key, colon, commaOrEnd, firstValueOrEnd, done }

    private let more: () throws -> [UInt8]?
    private let file: String
    private var buffer: [UInt8] = []
    private var position = 0
    private var finished = false
    private var inObject: [Bool] = []
    private var expect: Expect = .value
    /// While a value is skipped: strings are scanned and checked, not made (they read as "").
    private var discarding = false
    /// The line of the byte read next (1-based).
    public private(set) var line = 1

    /// `more` returns the next chunk of the document, nil at its end; `file` names it in errors.
    public init(file: String, more: @escaping () throws -> [UInt8]?) {
        self.file = file
        self.more = more
    }

    private func fail(_ reason: String) -> ImportError { .malformedLine(file: file, line: line, reason: reason) }

    /// The byte read next, nil at the end. Inside the current chunk it is one comparison; only
    /// at a chunk's end does it ask `more` (a million-record set is 250 MB of bytes through here).
    @inline(__always)
    private mutating func peek() throws -> UInt8? {
        if position < buffer.count { return buffer[position] }
        return try refill()
    }

    private mutating func refill() throws -> UInt8? {
        while position >= buffer.count {
            if finished { return nil }
            guard let chunk = try more() else { finished = true; return nil }
            buffer = chunk
            position = 0
        }
        return buffer[position]
    }

    @inline(__always)
    private mutating func take() throws -> UInt8? {
        guard let byte = try peek() else { return nil }
        position += 1
        if byte == UInt8(ascii: "\n") { line += 1 }
        return byte
    }

    private mutating func skipSpace() throws {
        while true {
            while position < buffer.count {
                let b = buffer[position]
                if b == 0x0A { line += 1 } else if b != 0x20 && b != 0x0D && b != 0x09 { return }
                position += 1
            }
            if try refill() == nil { return }
        }
    }

    /// The next event, nil after the root value ended (and only white space followed it).
    public mutating func next() throws -> Event? {
        try skipSpace()
        switch expect {
        case .done:
            if try peek() != nil { throw fail("more after the end of the JSON document") }
            return nil
        case .colon:
            guard try take() == UInt8(ascii: ":") else { throw fail("expected ':' after an object key") }
            expect = .value
            return try next()
        case .commaOrEnd:
            guard let b = try take() else { throw fail("the document ends inside \(inObject.last == true ? "an object" : "an array")") }
            if b == UInt8(ascii: ",") {
                expect = inObject.last == true ? .key : .value
                return try next()
            }
            return try close(b)
        case .firstKeyOrEnd, .key:
            guard let b = try peek() else { throw fail("the document ends inside an object") }
            if b == UInt8(ascii: "}"), expect == .firstKeyOrEnd { _ = try take(); return try close(b) }
            guard b == UInt8(ascii: "\"") else { throw fail("expected an object key in double quotes") }
            _ = try take()
            let key = try string()
            expect = .colon
            return .key(key)
        case .value, .firstValueOrEnd:
            guard let b = try peek() else { throw fail(inObject.isEmpty ? "the document is empty" : "the document ends where a value was expected") }
            if b == UInt8(ascii: "]"), expect == .firstValueOrEnd { _ = try take(); return try close(b) }
            return try value(b)
        }
    }

    private mutating func close(_ b: UInt8) throws -> Event {
        let isObject = inObject.last == true
        if b == UInt8(ascii: "}") && isObject || b == UInt8(ascii: "]") && !isObject && !inObject.isEmpty {
            inObject.removeLast()
            afterValue()
            return isObject ? .objectEnd : .arrayEnd
        }
        throw fail("expected ',' or '\(isObject ? "}" : "]")'")
    }

    private mutating func afterValue() { expect = inObject.isEmpty ? .done : .commaOrEnd }

    private mutating func value(_ b: UInt8) throws -> Event {
        switch b {
        case UInt8(ascii: "{"):
            _ = try take(); inObject.append(true); expect = .firstKeyOrEnd
            return .objectStart
        case UInt8(ascii: "["):
            _ = try take(); inObject.append(false); expect = .firstValueOrEnd
            return .arrayStart
        case UInt8(ascii: "\""):
            _ = try take()
            let s = try string()
            afterValue()
            return .string(s)
        case UInt8(ascii: "t"): try literal("true"); afterValue(); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); afterValue(); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); afterValue(); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            var text: [UInt8] = []
            while let c = try peek(), c == UInt8(ascii: "-") || c == UInt8(ascii: "+") || c == UInt8(ascii: ".")
                    || c == UInt8(ascii: "e") || c == UInt8(ascii: "E") || (c >= 0x30 && c <= 0x39) {
                text.append(c); _ = try take()
                if text.count > 64 { throw fail("a number longer than 64 characters") }
            }
            let s = String(decoding: text, as: UTF8.self)
            // RFC 8259's grammar is checked on the bytes; only what it refuses is asked of Double
            // (which accepted a few more spellings before, and still does).
            guard Self.isPlainNumber(text) || Double(s) != nil, !s.hasPrefix("+") else { throw fail("\(s) is not a JSON number") }
            afterValue()
            return .number(s)
        default:
            throw fail("unexpected character \(String(reflecting: String(decoding: [b], as: UTF8.self))) where a JSON value was expected")
        }
    }

    /// -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
    static func isPlainNumber(_ text: [UInt8]) -> Bool {
        var i = 0
        func digits() -> Int {
            let start = i
            while i < text.count, text[i] >= 0x30, text[i] <= 0x39 { i += 1 }
            return i - start
        }
        if i < text.count, text[i] == UInt8(ascii: "-") { i += 1 }
        guard i < text.count else { return false }
        if text[i] == 0x30 { i += 1 } else if digits() == 0 { return false }
        if i < text.count, text[i] == UInt8(ascii: ".") {
            i += 1
            if digits() == 0 { return false }
        }
        if i < text.count, text[i] == UInt8(ascii: "e") || text[i] == UInt8(ascii: "E") {
            i += 1
            if i < text.count, text[i] == UInt8(ascii: "+") || text[i] == UInt8(ascii: "-") { i += 1 }
            if digits() == 0 { return false }
        }
        return i == text.count
    }

    private mutating func literal(_ word: String) throws {
        for expected in word.utf8 {
            guard try take() == expected else { throw fail("expected \(word)") }
        }
    }

    /// The rest of a string after its opening quote.
    private mutating func string() throws -> String {
        var bytes: [UInt8] = []
        var length = 0
        while true {
            // The plain run up to the next quote, backslash or control byte, in one copy.
            guard try peek() != nil else { throw fail("the document ends inside a string") }
            var end = position
            while end < buffer.count {
                let c = buffer[end]
                if c == UInt8(ascii: "\"") || c == UInt8(ascii: "\\") || c < 0x20 { break }
                end += 1
            }
            // The common case, a whole string inside the chunk without escapes: the String is
            // made from the chunk's bytes directly (short ones need no allocation at all).
            if length == 0, end < buffer.count, buffer[end] == UInt8(ascii: "\"") {
                let text = discarding ? "" : String(decoding: buffer[position..<end], as: UTF8.self)
                if end - position > 1 << 20 { throw fail("a string longer than 1 MiB") }
                position = end + 1
                return text
            }
            if end > position {
                if !discarding { bytes.append(contentsOf: buffer[position..<end]) }
                length += end - position
                position = end
                if length > 1 << 20 { throw fail("a string longer than 1 MiB") }
                continue
            }
            guard let b = try take() else { throw fail("the document ends inside a string") }
            length += 1
            switch b {
            case UInt8(ascii: "\""):
                return discarding ? "" : String(decoding: bytes, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard let e = try take() else { throw fail("the document ends inside a string") }
                switch e {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): bytes.append(e)
                case UInt8(ascii: "b"): bytes.append(0x08)
                case UInt8(ascii: "f"): bytes.append(0x0C)
                case UInt8(ascii: "n"): bytes.append(0x0A)
                case UInt8(ascii: "r"): bytes.append(0x0D)
                case UInt8(ascii: "t"): bytes.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try hex4()
                    if (0xD800..<0xDC00).contains(scalar) {
                        guard try take() == UInt8(ascii: "\\"), try take() == UInt8(ascii: "u") else { throw fail("a lone UTF-16 surrogate in a string") }
                        let low = try hex4()
                        guard (0xDC00..<0xE000).contains(low) else { throw fail("a lone UTF-16 surrogate in a string") }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let u = Unicode.Scalar(scalar) else { throw fail("a lone UTF-16 surrogate in a string") }
                    bytes.append(contentsOf: Array(String(Character(u)).utf8))
                default: throw fail("an unknown escape \\\(String(decoding: [e], as: UTF8.self)) in a string")
                }
            case 0..<0x20:
                throw fail("a control character inside a string")
            default:
                bytes.append(b)
            }
            if length > 1 << 20 { throw fail("a string longer than 1 MiB") }
        }
    }

    private mutating func hex4() throws -> UInt32 {
        var v: UInt32 = 0
        for _ in 0..<4 {
            guard let c = try take(), let n = hexValue(c) else { throw fail("a bad \\u escape in a string") }
            v = v << 4 | UInt32(n)
        }
        return v
    }

    private func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - 48
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - 87
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - 55
        default: return nil
        }
    }

    /// Skips the rest of a value whose first event (`first`) was just read. Its grammar is still
    /// checked; its strings are not made.
    public mutating func skip(after first: Event) throws {
        guard first == .objectStart || first == .arrayStart else { return }
        let wasDiscarding = discarding
        discarding = true
        defer { discarding = wasDiscarding }
        var depth = 1
        while depth > 0 {
            guard let event = try next() else { throw fail("the document ends inside a value") }
            if event == .objectStart || event == .arrayStart { depth += 1 }
            if event == .objectEnd || event == .arrayEnd { depth -= 1 }
        }
    }

    /// Reads and drops the next value (after a key: the key's value), scalars and nested values
    /// alike, without making its strings. False when the next event ends the enclosing value
    /// instead (which is then consumed).
    @discardableResult
    public mutating func skipValue() throws -> Bool {
        let wasDiscarding = discarding
        discarding = true
        defer { discarding = wasDiscarding }
        guard let first = try next() else { throw fail("the document ends where a value was expected") }
        if first == .objectEnd || first == .arrayEnd { return false }
        try skip(after: first)
        return true
    }
}
