import ArgumentParser

extension Keyprint {
    /// `keyprint export <what>`: writes data out of a case database.
    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write data out of a case database.",
            subcommands: [ExportTimeline.self, ExportFrames.self]
        )
    }
}
