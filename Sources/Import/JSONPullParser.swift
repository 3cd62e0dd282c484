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
    /// The line of the byte read next (1-based).
    public private(set) var line = 1

    /// `more` returns the next chunk of the document, nil at its end; `file` names it in errors.
    public init(file: String, more: @escaping () throws -> [UInt8]?) {
        self.file = file
        self.more = more
    }

    private func fail(_ reason: String) -> ImportError { .malformedLine(file: file, line: line, reason: reason) }

    private mutating func peek() throws -> UInt8? {
        while position >= buffer.count {
            if finished { return nil }
            guard let chunk = try more() else { finished = true; return nil }
            buffer = chunk
            position = 0
        }
        return buffer[position]
    }

    private mutating func take() throws -> UInt8? {
        guard let byte = try peek() else { return nil }
        position += 1
        if byte == UInt8(ascii: "\n") { line += 1 }
        return byte
    }

    private mutating func skipSpace() throws {
        while let b = try peek(), b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 { _ = try take() }
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
            guard Double(s) != nil, !s.hasPrefix("+") else { throw fail("\(s) is not a JSON number") }
            afterValue()
            return .number(s)
        default:
            throw fail("unexpected character \(String(reflecting: String(decoding: [b], as: UTF8.self))) where a JSON value was expected")
        }
    }

    private mutating func literal(_ word: String) throws {
        for expected in word.utf8 {
            guard try take() == expected else { throw fail("expected \(word)") }
        }
    }

    /// The rest of a string after its opening quote.
    private mutating func string() throws -> String {
        var bytes: [UInt8] = []
        while true {
            // The plain run up to the next quote, backslash or control byte, in one copy.
            guard try peek() != nil else { throw fail("the document ends inside a string") }
            var end = position
            while end < buffer.count {
                let c = buffer[end]
                if c == UInt8(ascii: "\"") || c == UInt8(ascii: "\\") || c < 0x20 { break }
                end += 1
            }
            if end > position {
                bytes.append(contentsOf: buffer[position..<end])
                position = end
                if bytes.count > 1 << 20 { throw fail("a string longer than 1 MiB") }
                continue
            }
            guard let b = try take() else { throw fail("the document ends inside a string") }
            switch b {
            case UInt8(ascii: "\""):
                return String(decoding: bytes, as: UTF8.self)
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
            if bytes.count > 1 << 20 { throw fail("a string longer than 1 MiB") }
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

    /// Skips the rest of a value whose first event (`first`) was just read.
    public mutating func skip(after first: Event) throws {
        guard first == .objectStart || first == .arrayStart else { return }
        var depth = 1
        while depth > 0 {
            guard let event = try next() else { throw fail("the document ends inside a value") }
            if event == .objectStart || event == .arrayStart { depth += 1 }
            if event == .objectEnd || event == .arrayEnd { depth -= 1 }
        }
    }
}
