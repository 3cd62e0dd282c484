import Foundation

/// Locations the tests use, found from this file's path so they work from any directory.
enum TestPaths {
    /// The package root (…/Tests/KeyprintTests/Support/TestPaths.swift → root).
    static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static let samples = packageRoot.appendingPathComponent("samples")

    /// ThreatExchange conformance data beside the project (`../shared/refdata`), or nil.
    static let refdata: URL? = {
        let url = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/refdata")
        return FileManager.default.fileExists(atPath: url.appendingPathComponent("README.md").path) ? url : nil
    }()

    static var hasRefdata: Bool { refdata != nil }

    /// The built command-line tool (scripts/test builds it before running the tests).
    static let executable = packageRoot.appendingPathComponent(".build/debug/keyprint")

    /// A fresh temporary directory, removed by the caller.
    static func temporaryDirectory(_ label: String = "keyprint-test") throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
