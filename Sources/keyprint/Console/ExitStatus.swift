import ArgumentParser
import KeyprintDecode
import KeyprintExport
import KeyprintImport
import KeyprintPipeline
import KeyprintStore

/// The exit status of every keyprint command. This enum is the only place the codes are
/// defined: the root command's `--help`, each command's `--help` and README.md's "Exit
/// status" table are rendered from `meaning` (CLI tests compare README with `keyprint --help`),
/// and every error that ends a command is turned into one of them by `init(for:)`, whichever
/// layer found it (ArgumentParser, the command, the library).
enum ExitStatus: Int32, CaseIterable, Sendable {
    /// The command did what was asked. For `scan` and `resume`: every video is done. For
    /// `match`: also when nothing links. For `resume`: also when there is nothing to resume.
    case success = 0
    /// `scan`/`resume` ran to the end but some files failed; their reasons are recorded
    /// (`keyprint status`). No other command uses it.
    case filesFailed = 1
    /// The command line asks for something Keyprint refuses or cannot make sense of: a bad
    /// flag or value, an unknown command or help topic, a `--db` or an export inside the
    /// evidence folder, an export path that is not a regular file or new path, an unknown
    /// collection, a step run out of order, or a case database in use by another scan.
    /// Nothing was read or written.
    case usage = 2
    /// An input or the case database could not be read or written: a missing or damaged
    /// database, a missing file or evidence folder, an I/O error, a full disk (standard
    /// output included); a PostgreSQL server that cannot be reached, refuses the login, lacks
    /// the database, drops the connection mid-run (what was in flight rolled back; `resume`
    /// continues), or holds a newer Keyprint's schema.
    case cannotReadOrWrite = 3
    /// Stopped by Ctrl-C or SIGTERM. What was committed stays; `keyprint resume` continues.
    case interrupted = 130

    /// One line, the same in `--help` and in README.md.
    var meaning: String {
        switch self {
        case .success:
            return "success (`scan`, `resume`: every video done; `match`: also when nothing links)"
        case .filesFailed:
            return "some files failed (`scan`, `resume`; their reasons: `keyprint status`)"
        case .usage:
            return "usage error: bad flags or values, unknown command or help topic, `--db` or an export inside the evidence "
                + "folder, an export path that is a link, device, FIFO or folder, unknown collection, a step out of order "
                + "(nothing to export), the case database in use by another scan"
        case .cannotReadOrWrite:
            return "an input or the case database cannot be read or written: missing or damaged database, missing file or "
                + "evidence folder, a hash file or hash set that does not parse, I/O error, full disk (standard output included); "
                + "a PostgreSQL server unreachable, refusing the login, without the database, lost mid-run, out of disk space (or another SQLSTATE class-53 shortage), or of a newer Keyprint's schema"
        case .interrupted:
            return "interrupted (Ctrl-C, SIGTERM); continue with `keyprint resume --db CASE.sqlite`"
        }
    }

    /// A blank line, "Exit status:" and one entry per code, for the end of a command's
    /// `--help` discussion: the code, then its meaning wrapped under itself (ArgumentParser
    /// keeps lines shorter than the screen as they are).
    static func helpSection(_ codes: [ExitStatus] = allCases, width: Int = 78) -> String {
        let indent = 7
        var lines = ["", "", "Exit status:"]
        for code in codes {
            let number = String(code.rawValue)
            var line = "  " + number + String(repeating: " ", count: indent - 2 - number.count)
            var lineIsEmpty = true
            for word in code.meaning.split(separator: " ") {
                if !lineIsEmpty && line.count + 1 + word.count > width {
                    lines.append(line)
                    line = String(repeating: " ", count: indent)
                    lineIsEmpty = true
                }
                line += (lineIsEmpty ? "" : " ") + word
                lineIsEmpty = false
            }
            lines.append(line)
        }
        return lines.joined(separator: "\n")
    }

    /// The codes a command that reads a case database and writes output can end with.
    static let readingCommand: [ExitStatus] = [.success, .usage, .cannotReadOrWrite]
    /// The codes of `scan` and `resume`.
    static let scanningCommand: [ExitStatus] = allCases

    /// The status for an error that ended a command.
    init(for error: any Error) {
        switch error {
        case let failure as CommandFailure: self = failure.status
        case let error as StoreError:
            switch error {
            case .locked, .unsupportedLocation, .badLocation: self = .usage
            case .noDatabase, .cannotOpen, .sqlite, .corruptRow, .unknownFile, .serverUnreachable, .authenticationFailed,
                 .missingDatabase, .newerSchema, .connectionLost, .postgres, .serverFull:
                self = .cannotReadOrWrite
            }
        case let problem as EvidencePaths.Problem:
            switch problem {
            case .notAFolder, .databaseInsideEvidence, .outputInsideEvidence, .outputNotAFile, .outputNotAFolder,
                 .outputIsTheCaseDatabase:
                self = .usage
            case .folderMissing, .databaseFolderMissing, .unresolvableLink, .outputFolderMissing:
                self = .cannotReadOrWrite
            }
        case is MatchRunnerError: self = .usage
        case is KnownMaterialError: self = .usage
        case is ImportError: self = .cannotReadOrWrite
        case let error as ExportError:
            switch error {
            case .notARegularFile, .notAFolder: self = .usage
            case .io: self = .cannotReadOrWrite
            }
        case is DecodeError: self = .cannotReadOrWrite
        case is ScanInterrupted: self = .interrupted
        case let code as ExitCode:
            self = ExitStatus(rawValue: code.rawValue) ?? (code == .validationFailure ? .usage : .cannotReadOrWrite)
        default:
            // ArgumentParser's own errors (unknown flags, ValidationError) say EX_USAGE; help
            // and version requests say success; anything else is an error no layer named,
            // most likely the file system's.
            switch Keyprint.exitCode(for: error) {
            case .success: self = .success
            case .validationFailure: self = .usage
            default: self = .cannotReadOrWrite
            }
        }
    }
}

extension ExitStatus {
    /// The words of an error from Keyprint's own libraries, nil for any other error.
    static func libraryMessage(_ error: any Error) -> String? {
        switch error {
        case let error as StoreError: return error.description
        case let error as EvidencePaths.Problem: return error.description
        case let error as MatchRunnerError: return error.description
        case let error as KnownMaterialError: return error.description
        case let error as ImportError: return error.description
        case let error as DecodeError: return error.description
        case let error as ExportError: return error.description
        case is ScanInterrupted: return "interrupted"
        default: return nil
        }
    }
}

/// Ends a command with `status`; `message`, when there is one, goes to stderr (nil: the
/// command has said what went wrong already).
struct CommandFailure: Error, Sendable {
    var status: ExitStatus
    var message: String?

    init(_ status: ExitStatus, _ message: String? = nil) {
        self.status = status
        self.message = message
    }
}
