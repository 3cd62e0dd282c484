import ArgumentParser
import Foundation
import KeyprintCore

extension Keyprint {
    struct Hash: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the PDQ hash of each sampled frame of a video or image, in vPDQ's text format.",
            discussion: """
            One line per sampled frame: frameNumber,quality,pdqHex,timestampSeconds
            frameNumber counts decoded frames from 0; timestamps are presentation times in \
            seconds from the stream start (3 decimals). An image prints one line.
            """
        )

        @Argument(help: "A video or image file.")
        var file: String

        @OptionGroup var sampling: SamplingOptions

        @Flag(name: .long, help: "Hash frames at their native resolution instead of a 256×256 luma plane (slower; closest to vPDQ).")
        var nativeResolution = false

        @Flag(name: .long, help: "Also print the mirrored (left–right flipped) hash as a fifth column.")
        var mirror = false

        @Option(name: .long, help: ArgumentHelp("Give up on the file after S seconds.", valueName: "S"))
        var timeout: Double?

        func run() throws {
            var options = DecodeOptions(sampling: sampling.mode, timeBudget: timeout)
            if nativeResolution { options.lumaSize = nil }
            let output = FileHandle.standardOutput
            var buffer = ""
            do {
                try VideoHasher.hash(path: file, options: options) { frame in
                    buffer += frame.vpdqLine
                    if mirror { buffer += "," + frame.mirrorHash.hex }
                    buffer += "\n"
                    if buffer.utf8.count > 1 << 16 { output.write(Data(buffer.utf8)); buffer = "" }
                }
            } catch let error as DecodeError {
                output.write(Data(buffer.utf8))
                FileHandle.standardError.write(Data("keyprint: \(file): \(error)\n".utf8))
                throw ExitCode(3)
            }
            output.write(Data(buffer.utf8))
        }
    }
}
