import Foundation
import KeyprintPipeline
import KeyprintExport

/// What the executable prints: data and results on stdout, messages on stderr, both through
/// `write(2)` (`DescriptorWriter`), so that a full disk or a closed pipe is an error with a
/// reason (exit status 3), never a crash. Nothing here writes terminal escape sequences.
enum Terminal {
    /// A line on stdout; throws `ExportError` when it cannot be written.
    static func out(_ text: String) throws {
        try DescriptorWriter.standardOutput.write(text + "\n")
    }

    /// Text on stdout as it is.
    static func write(_ text: String) throws {
        try DescriptorWriter.standardOutput.write(text)
    }

    /// "keyprint: message" on stderr.
    static func error(_ message: String) {
        diagnostic("keyprint: \(message)\n")
    }

    /// Text on stderr as it is. A failure to write there is ignored: there is nowhere left to
    /// say so, and the exit status still tells.
    static func diagnostic(_ text: String) {
        try? DescriptorWriter.standardError.write(text)
    }

    /// A path or message with control characters made visible (a newline in a file name
    /// must not break a line of human output).
    static func printable(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    out += String(format: "\\x%02X", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }

    /// A path quoted where a shell would need it.
    static func shellQuoted(_ arg: String) -> String {
        let safe = arg.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) || "-_./=:,+@%".unicodeScalars.contains($0) }
        return safe && !arg.isEmpty ? arg : "'" + arg.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// The command line as typed, quoted where a shell would need it, for the audit trail; the
    /// password of a postgres:// URL is left out.
    static var commandLine: String {
        CommandLine.arguments.map { shellQuoted(CaseStoreFactory.redacted($0)) }.joined(separator: " ")
    }
}
