import Foundation
import Testing

/// Small real videos made with the ffmpeg command-line tool, each visibly different.
enum TestVideos {
    /// Writes an H.264 MP4 of `seconds` at 25 fps. `variant` picks the picture.
    static func make(_ path: String, variant: Int, seconds: Double = 3, size: String = "320x240") throws {
        let sources = ["testsrc2", "mandelbrot", "smptehdbars", "testsrc", "rgbtestsrc", "cellauto"]
        let source = sources[variant % sources.count]
        let filter = "hue=h=\(variant * 47 % 360)"
        try run("ffmpeg", ["-v", "error", "-y", "-f", "lavfi", "-i", "\(source)=size=\(size):rate=25", "-t", "\(seconds)",
                           "-vf", filter, "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", path])
    }

    static func run(_ tool: String, _ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [tool] + arguments
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let text = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        if process.terminationStatus != 0 {
            throw TestToolError(message: "\(tool) failed (\(process.terminationStatus)): \(String(decoding: text, as: UTF8.self))")
        }
    }
}

struct TestToolError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

/// Deterministic bytes (xorshift) for "random" files, so the test input never changes.
func pseudoRandomBytes(count: Int, seed: UInt64 = 0x9E3779B97F4A7C15) -> [UInt8] {
    var state = seed
    return (0..<count).map { _ in
        state ^= state << 13; state ^= state >> 7; state ^= state << 17
        return UInt8(truncatingIfNeeded: state)
    }
}
