/// One known file of a hash set: its digests (lower-case hex; at least one), and what the
/// set says of it, kept as given (a category is a string, never reinterpreted).
public struct HashSetRecord: Sendable, Equatable {
    public var md5: String?
    public var sha1: String?
    public var sha256: String?
    public var category: String?
    /// The set's own id of the record (VICS `MediaID`).
    public var mediaID: String?
    /// Anything else worth keeping: VICS `Series`, a CSV's `note`.
    public var note: String?

    public init(md5: String? = nil, sha1: String? = nil, sha256: String? = nil, category: String? = nil,
                mediaID: String? = nil, note: String? = nil) {
        self.md5 = md5; self.sha1 = sha1; self.sha256 = sha256
        self.category = category; self.mediaID = mediaID; self.note = note
    }

    /// A digest as stored: trimmed, lower-case, exactly `length` hex digits; nil when empty.
    /// Throws the reason when it is not such a digest.
    static func digest(_ text: String?, length: Int, name: String) throws(DigestProblem) -> String? {
        guard let text else { return nil }
        // As most sets write them: exactly `length` lower-case hex digits, kept as they are.
        if text.utf8.count == length, text.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }) { return text }
        let trimmed = text.trimmingSpaces.lowercased()
        if trimmed.isEmpty { return nil }
        guard trimmed.utf8.count == length, trimmed.utf8.allSatisfy({ PDQHash.nibble($0) != nil }) else {
            throw DigestProblem(reason: "\(name) \(String(reflecting: String(trimmed.prefix(80)))) is not \(length) hexadecimal digits")
        }
        return trimmed
    }

    struct DigestProblem: Error { var reason: String }
}

/// The formats `keyprint import hashset` reads.
public enum HashSetFormat: String, Sendable, Equatable, CaseIterable {
    /// VICS JSON, ICMEC Project VIC data model 1.2 (CAID).
    case vics12 = "vics-1.2"
    /// VICS JSON, Project VIC data model 1.3.
    case vics13 = "vics-1.3"
    /// VICS JSON, data model 2.0.
    case vics20 = "vics-2.0"
    /// ICSE's `;`-separated CSV export.
    case icseCSV = "icse-csv"
    /// Plain CSV with md5/sha1/sha256 columns, optional category and note.
    case csv
}

import KeyprintModel

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" || f == "\r" || f == "\n" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\r" || l == "\n" { s.removeLast() }
        return String(s)
    }
}
