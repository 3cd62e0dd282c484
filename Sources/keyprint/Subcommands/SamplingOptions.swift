import ArgumentParser
import KeyprintExport
import KeyprintModel
import KeyprintPipeline
import KeyprintStore

/// `--every S | --keyframes-only | --all-frames`, shared by every command that decodes.
struct SamplingOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Sample the first frame at or after every S seconds of presentation time.", valueName: "S"))
    var every: Double?

    @Flag(name: .long, help: "Sample key frames only; the decoder skips all other frames (fastest).")
    var keyframesOnly = false

    @Flag(name: .long, help: "Sample every decoded frame (vPDQ's mode; slowest).")
    var allFrames = false

    func validate() throws {
        let chosen = [every != nil, keyframesOnly, allFrames].filter { $0 }.count
        if chosen > 1 { throw ValidationError("Choose at most one of --every, --keyframes-only and --all-frames.") }
        if let every, !(every > 0 && every.isFinite) { throw ValidationError("--every takes a positive number of seconds.") }
    }

    /// The mode chosen, or nil when none was given.
    var explicitMode: SamplingMode? {
        if keyframesOnly { return .keyframes }
        if allFrames { return .allFrames }
        if let every { return .interval(seconds: every) }
        return nil
    }

    var mode: SamplingMode { explicitMode ?? .defaultInterval }
}
