import ArgumentParser
import KeyprintCore

@main
struct Keyprint: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keyprint",
        abstract: "Link re-uploaded video captures to each other and to known material, with verifiable timestamps.",
        discussion: """
        Keyprint decodes videos with FFmpeg, fingerprints sampled frames with PDQ (256-bit, \
        compatible with ThreatExchange vPDQ), stores them in a SQLite case database, matches \
        frame-hash sequences into time-aligned segments and exports a timeline CSV.

        Exit status: 0 success; 1 some files failed (see `keyprint status`); 2 usage error; \
        3 the input could not be read at all; 130 interrupted (resume with `keyprint resume`).
        """,
        version: KeyprintVersion.string,
        subcommands: [Hash.self]
    )
}
