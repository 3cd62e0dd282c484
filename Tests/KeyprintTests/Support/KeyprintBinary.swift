import Foundation
import Testing

/// The built `keyprint` executable (`swift build` runs before `swift test`; scripts/test does
/// that), found from this file's location: <package>/Tests/KeyprintTests/Support/.
enum KeyprintBinary {
    static var packageRoot: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().path
    }

    static var path: String { packageRoot + "/.build/debug/keyprint" }

    static func require() throws -> String {
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw TestToolError(message: "the keyprint executable is missing at \(path): run `swift build` before `swift test` (scripts/test does)")
        }
        return path
    }

    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
        /// True when a signal ended the process (a trap, say) instead of an exit.
        var signalled = false
    }

    /// Runs keyprint to completion.
    static func run(_ arguments: [String]) throws -> Run {
        let process = try launch(arguments)
        let out = process.out.fileHandleForReading.readDataToEndOfFile()
        let err = process.err.fileHandleForReading.readDataToEndOfFile()
        process.process.waitUntilExit()
        return Run(status: process.process.terminationStatus, stdout: String(decoding: out, as: UTF8.self),
                   stderr: String(decoding: err, as: UTF8.self), signalled: process.process.terminationReason == .uncaughtSignal)
    }

    /// Runs keyprint with its stdout going to the file at `standardOutputPath` (`/dev/full`,
    /// say) instead of a pipe; `stdout` of the result is empty.
    static func run(_ arguments: [String], standardOutputPath: String) throws -> Run {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try require())
        process.arguments = arguments
        guard let output = FileHandle(forWritingAtPath: standardOutputPath) else {
            throw TestToolError(message: "cannot open \(standardOutputPath) for writing")
        }
        defer { try? output.close() }
        let err = Pipe()
        process.standardOutput = output
        process.standardError = err
        try process.run()
        let errors = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, stdout: "", stderr: String(decoding: errors, as: UTF8.self),
                   signalled: process.terminationReason == .uncaughtSignal)
    }

    struct Launched {
        let process: Process
        let out: Pipe
        let err: Pipe
    }

    /// Starts keyprint; the caller waits or signals it. Output goes to pipes.
    static func launch(_ arguments: [String]) throws -> Launched {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try require())
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        return Launched(process: process, out: out, err: err)
    }
}
