import ArgumentParser
import Foundation
import KeyprintDecode
import KeyprintExport
import KeyprintModel
import KeyprintPipeline
import KeyprintStore

extension Keyprint {
    struct Hash: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the PDQ hash of each sampled frame of a video or image, in vPDQ's text format.",
            discussion: """
            One line per sampled frame: frameNumber,quality,pdqHex,timestampSeconds
            frameNumber counts decoded frames from 0; timestamps are presentation times in \
            seconds from the stream start (3 decimals). An image prints one line. Default: one \
            frame per second, no time limit. Nothing is stored.
            """ + ExitStatus.helpSection([.success, .usage, .cannotReadOrWrite]) + """

            3 also when the file cannot be decoded (the lines hashed before the failure are printed).
            """
        )

        @Argument(help: "A video or image file.")
        var file: String

        @OptionGroup var sampling: SamplingOptions

        @Flag(name: .long, help: "Also print the mirrored (left–right flipped) hash as a fifth column.")
        var mirror = false

        @Option(name: .long, help: ArgumentHelp("Luma plane size handed to PDQ, WIDTHxHEIGHT (default: native resolution, as vPDQ).", valueName: "WxH", visibility: .hidden))
        var lumaSize: String?

        @OptionGroup var luma: LumaOptions

        @Option(name: .long, help: ArgumentHelp("Give up on the file after S seconds.", valueName: "S"))
        var timeout: Double?

        /// The --luma-size value, parsed.
        private var lumaDimensions: (Int, Int)? {
            get throws {
                guard let lumaSize else { return nil }
                let parts = lumaSize.split(separator: "x").compactMap { Int($0) }
                guard parts.count == 2, parts[0] >= 64, parts[1] >= 64 else { throw ValidationError("--luma-size takes WIDTHxHEIGHT, each at least 64") }
                return (parts[0], parts[1])
            }
        }

        func validate() throws {
            if let timeout, !(timeout > 0 && timeout.isFinite) { throw ValidationError("--timeout takes a positive number of seconds.") }
            _ = try lumaDimensions
        }

        func run() throws {
            var options = DecodeOptions(sampling: sampling.mode, timeBudget: timeout, exactVPDQLuma: luma.exact)
            if let size = try lumaDimensions { options.lumaSize = size }
            var buffer = ""
            do {
                try VideoHasher.hash(path: file, options: options) { frame in
                    buffer += frame.vpdqLine
                    if mirror { buffer += "," + frame.mirrorHash.hex }
                    buffer += "\n"
                    if buffer.utf8.count > 1 << 16 {
                        try Terminal.write(buffer)
                        buffer = ""
                    }
                }
            } catch let error as DecodeError {
                try Terminal.write(buffer)
                throw CommandFailure(.cannotReadOrWrite, "\(file): \(error)")
            }
            try Terminal.write(buffer)
        }
    }
}
