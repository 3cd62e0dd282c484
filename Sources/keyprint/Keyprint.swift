import ArgumentParser
import KeyprintExport
import KeyprintModel
import KeyprintPipeline
import KeyprintStore

@main
struct Keyprint: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keyprint",
        abstract: "Link re-uploaded video captures to each other and to known material, with verifiable timestamps.",
        discussion: """
        Keyprint decodes videos with FFmpeg, fingerprints sampled frames with PDQ (256-bit, \
        compatible with ThreatExchange vPDQ), stores them in a SQLite case database, matches \
        frame-hash sequences into time-aligned segments and exports a timeline CSV.

        Exit status: 0 success (for `scan` and `resume`: every video is done); 1 some files \
        failed (see `keyprint status`); 2 usage error (including a --db inside the evidence \
        folder); 3 the input or the case database could not be read at all; 130 interrupted \
        (resume with `keyprint resume --db CASE`).
        """,
        version: KeyprintVersion.string,
        subcommands: [Hash.self, Scan.self, Resume.self, Status.self, Match.self, Export.self]
    )
}
