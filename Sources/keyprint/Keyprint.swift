import ArgumentParser
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import KeyprintModel

@main
struct Keyprint: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keyprint",
        abstract: "Link re-uploaded video captures to each other and to known material, with verifiable timestamps.",
        discussion: """
        Keyprint decodes videos with FFmpeg, fingerprints sampled frames with PDQ (256-bit, \
        compatible with ThreatExchange vPDQ), stores them in a SQLite case database, matches \
        frame-hash sequences into time-aligned segments and exports a timeline CSV. Data goes \
        to stdout or files; progress and messages go to stderr.
        """ + ExitStatus.helpSection(),
        version: KeyprintVersion.string,
        subcommands: [Hash.self, Scan.self, Resume.self, Status.self, Import.self, Match.self, Export.self, Report.self]
    )

    /// `keyprint` alone names no command: a usage error.
    func run() async throws {
        throw CommandFailure(.usage, "no command given; see `keyprint --help`")
    }

    /// The entry point: parses, runs, and ends with the status `ExitStatus` gives the outcome,
    /// whichever layer stopped it (ArgumentParser's own EX_USAGE is 2 here, like every other
    /// usage error).
    static func main() async {
        let status = await execute(Array(CommandLine.arguments.dropFirst()))
        #if canImport(Glibc)
        Glibc.exit(status.rawValue)
        #else
        Darwin.exit(status.rawValue)
        #endif
    }

    static func execute(_ arguments: [String]) async -> ExitStatus {
        do {
            try checkCommandNames(arguments)
            var command = try await asyncParseAsRoot(arguments)
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            return .success
        } catch {
            return report(error)
        }
    }

    /// Prints what ended the command and returns its status.
    static func report(_ error: any Error) -> ExitStatus {
        let status = ExitStatus(for: error)
        if let failure = error as? CommandFailure {
            if let message = failure.message { Terminal.error(message) }
        } else if let message = ExitStatus.libraryMessage(error) {
            Terminal.error(message)
        } else if !(error is ExitCode) {
            // ArgumentParser's: help and version text (stdout), or a parse or validation error
            // with the usage (stderr).
            let text = fullMessage(for: error)
            if status == .success {
                do { if !text.isEmpty { try Terminal.out(text) } } catch {
                    Terminal.error("\(error)")
                    return .cannotReadOrWrite
                }
            } else if !text.isEmpty {
                Terminal.diagnostic(text + "\n")
            }
        }
        return status
    }

    /// Command names must exist: `keyprint help NAME…` and `keyprint NAME… --help` would
    /// otherwise print the nearest command's help and succeed. Names are read until the first
    /// flag or a command without subcommands.
    static func checkCommandNames(_ arguments: [String]) throws {
        var names = arguments[...]
        if names.first == "help" { names = names.dropFirst() }
        var command: any ParsableCommand.Type = Keyprint.self
        var path = "keyprint"
        for name in names {
            let subcommands = command.configuration.subcommands
            if name.hasPrefix("-") || subcommands.isEmpty { break }
            guard let sub = subcommands.first(where: { $0._commandName == name || $0.configuration.aliases.contains(name) }) else {
                throw CommandFailure(.usage, "no command '\(Terminal.printable(name))' in `\(path)`; see `\(path) --help`")
            }
            command = sub
            path += " " + name
        }
    }
}
