import ArgumentParser

extension Keyprint {
    /// `keyprint export <what>`: writes data out of a case database.
    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write data out of a case database.",
            discussion: "Nothing is written inside an evidence folder the case scanned."
                + ExitStatus.helpSection(ExitStatus.readingCommand),
            subcommands: [ExportTimeline.self, ExportFrames.self, ExportHits.self]
        )

        /// `keyprint export` alone names nothing to export: a usage error.
        func run() throws {
            throw CommandFailure(.usage, "name what to export, timeline, frames or hits; see `keyprint export --help`")
        }
    }
}
