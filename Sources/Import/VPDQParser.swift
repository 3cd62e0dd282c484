import KeyprintModel

/// Parses ThreatExchange's vPDQ per-frame hash text: one line per hashed frame,
/// `frameNumber,quality,pdqHex,timestampSeconds` (what its `vpdq` tools and
/// `keyprint export frames --format vpdq` write). Frames may be every decoded frame or a
/// sample (one a second), with gaps in the frame numbers; frame numbers must increase and
/// timestamps must not decrease. Blank lines and a trailing CR are allowed; anything else that
/// does not parse is an error naming the line.
///
/// The frames come back as `FrameHash`es whose mirror hash is the hash itself: a vPDQ file
/// carries no mirrored hash (the matcher looks up only the query's mirror, never the
/// reference's, so an imported reference loses nothing).
public enum VPDQParser {
    /// Parses `bytes`, the whole content of the file named `file` (for messages).
    public static func parse(_ bytes: some Collection<UInt8>, file: String) throws(ImportError) -> [FrameHash] {
        var frames: [FrameHash] = []
        var failure: ImportError?
        let parsed: Void? = bytes.withContiguousStorageIfAvailable { buffer in
            do throws(ImportError) { frames = try parse(buffer, file: file) } catch { failure = error }
        }
        if parsed == nil {
            let copy = Array(bytes)
            do throws(ImportError) { frames = try copy.withUnsafeBufferPointer { b throws(ImportError) in try parse(b, file: file) } } catch { failure = error }
        }
        if let failure { throw failure }
        return frames
    }

    static func parse(_ buffer: UnsafeBufferPointer<UInt8>, file: String) throws(ImportError) -> [FrameHash] {
        var frames: [FrameHash] = []
        frames.reserveCapacity(buffer.count / 80 + 1)
        var lineNumber = 0
        var start = 0
        let count = buffer.count
        while start < count {
            lineNumber += 1
            var end = start
            while end < count && buffer[end] != UInt8(ascii: "\n") { end += 1 }
            var last = end
            if last > start && buffer[last - 1] == UInt8(ascii: "\r") { last -= 1 }
            if last > start {
                let frame = try parseLine(UnsafeBufferPointer(rebasing: buffer[start..<last]), file: file, line: lineNumber)
                if let previous = frames.last {
                    if frame.index <= previous.index {
                        throw .malformedLine(file: file, line: lineNumber, reason: "frame number \(frame.index) does not follow \(previous.index) (frame numbers must increase)")
                    }
                    if frame.timestamp < previous.timestamp {
                        throw .malformedLine(file: file, line: lineNumber, reason: "timestamp \(format3(frame.timestamp)) s is before the previous line's \(format3(previous.timestamp)) s")
                    }
                }
                frames.append(frame)
            }
            start = end + 1
        }
        if frames.isEmpty { throw .noHashes(file: file) }
        return frames
    }

    /// One non-empty line, without its line break.
    static func parseLine(_ line: UnsafeBufferPointer<UInt8>, file: String, line number: Int) throws(ImportError) -> FrameHash {
        func bad(_ reason: String) -> ImportError { .malformedLine(file: file, line: number, reason: reason) }
        var fields: [Range<Int>] = []
        var fieldStart = 0
        for i in 0..<line.count where line[i] == UInt8(ascii: ",") {
            fields.append(fieldStart..<i)
            fieldStart = i + 1
            if fields.count > 4 { break }
        }
        fields.append(fieldStart..<line.count)
        guard fields.count == 4 else {
            throw bad("expected 4 comma-separated fields (frameNumber,quality,pdqHex,timestampSeconds), found \(fields.count > 4 ? "more" : String(fields.count))")
        }
        guard let index = integer(line, fields[0]) else { throw bad("frame number \(text(line, fields[0])) is not a whole number ≥ 0") }
        guard let quality = integer(line, fields[1]), quality <= 100 else { throw bad("quality \(text(line, fields[1])) is not a whole number from 0 to 100") }
        guard let hash = hash(line, fields[2]) else { throw bad("\(text(line, fields[2])) is not a PDQ hash (64 hexadecimal digits)") }
        guard let timestamp = seconds(line, fields[3]) else { throw bad("timestamp \(text(line, fields[3])) is not a number of seconds ≥ 0") }
        return FrameHash(index: index, timestamp: timestamp, quality: quality, hash: hash, mirrorHash: hash)
    }

    /// Decimal digits only, at most 15 of them.
    static func integer(_ line: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Int? {
        guard !range.isEmpty, range.count <= 15 else { return nil }
        var value = 0
        for i in range {
            let d = Int(line[i]) - 48
            guard d >= 0 && d <= 9 else { return nil }
            value = value * 10 + d
        }
        return value
    }

    static func hash(_ line: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> PDQHash? {
        guard range.count == 64 else { return nil }
        var words: [UInt64] = [0, 0, 0, 0]
        var i = range.lowerBound
        for w in 0..<4 {
            var value: UInt64 = 0
            for _ in 0..<16 {
                guard let nibble = PDQHash.nibble(line[i]) else { return nil }
                value = value << 4 | UInt64(nibble)
                i += 1
            }
            words[w] = value
        }
        return PDQHash(w0: words[3], w1: words[2], w2: words[1], w3: words[0])
    }

    /// `digits[.digits]`, non-negative, at most 9 decimals (vPDQ writes 3).
    static func seconds(_ line: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Double? {
        guard !range.isEmpty, range.count <= 24 else { return nil }
        var whole: Int64 = 0, fraction: Int64 = 0, scale: Int64 = 1
        var seenDot = false, digits = 0
        for i in range {
            let c = line[i]
            if c == UInt8(ascii: ".") {
                if seenDot { return nil }
                seenDot = true
                continue
            }
            let d = Int64(c) - 48
            guard d >= 0 && d <= 9 else { return nil }
            digits += 1
            if seenDot {
                guard scale < 1_000_000_000 else { return nil }
                fraction = fraction * 10 + d
                scale *= 10
            } else {
                guard whole < 100_000_000_000 else { return nil }
                whole = whole * 10 + d
            }
        }
        guard digits > 0 else { return nil }
        // One correctly rounded division of two exact integers: the double nearest the
        // decimal, as strtod gives it.
        let (scaled, overflow) = whole.multipliedReportingOverflow(by: scale)
        guard !overflow, scaled + fraction < 1 << 53 else { return nil }
        return Double(scaled + fraction) / Double(scale)
    }

    /// A field as printable text for a message (at most 80 characters).
    static func text(_ line: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String {
        let s = String(decoding: UnsafeBufferPointer(rebasing: line[range]), as: UTF8.self)
        let shown = s.count > 80 ? String(s.prefix(77)) + "…" : s
        return String(reflecting: shown)
    }
}
