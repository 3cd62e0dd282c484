import Foundation
import Testing
@testable import KeyprintModel
@testable import KeyprintExport
@testable import KeyprintPipeline

/// Re-uploads whose pixels are turned (issue 13): copies of a samples/ capture turned by ffmpeg
/// in the test are scanned, matched and exported through the built executable; each links to
/// the capture with its transform word and the shared span, and nothing links to the other
/// capture (which shares the chat chrome).
@Suite(.serialized) struct TurnedCopyTests {
    /// ffmpeg filter, copy name, the orientation of the copy relative to the capture.
    static let copies: [(filter: String, name: String, orientation: Orientation)] = [
        ("transpose=1", "call-a-rot90.mp4", .rot90),
        ("transpose=2", "call-a-rot270.mp4", .rot270),
        ("hflip,vflip", "call-a-rot180.mp4", .rot180),
    ]

    struct Case { var root: String; var rows: [[String: String]] }

    /// The suite's case folder, removed when the test process exits.
    static let sharedRoot = FileManager.default.temporaryDirectory.path + "/keyprint-turned-test-\(getpid())"

    static let shared: Result<Case, any Error> = Result {
        try FileManager.default.createDirectory(atPath: sharedRoot, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(atPath: TurnedCopyTests.sharedRoot) }
        let folder = TemporaryFolder(existing: sharedRoot)
        let root = try folder.sub("evidence")
        let captures = TestPaths.samples.appendingPathComponent("captures").path
        try FileManager.default.copyItem(atPath: captures + "/call-a.mp4", toPath: root + "/call-a.mp4")
        try FileManager.default.copyItem(atPath: captures + "/call-b.mp4", toPath: root + "/call-b.mp4")
        for copy in copies {
            try TestVideos.run("ffmpeg", ["-v", "error", "-y", "-i", captures + "/call-a.mp4", "-vf", copy.filter, "-an",
                                          "-c:v", "libx264", "-preset", "ultrafast", "-crf", "23", "-pix_fmt", "yuv420p", root + "/" + copy.name])
        }
        let database = folder.path + "/case.sqlite"
        let scan = try KeyprintBinary.run(["scan", root, "--db", database, "--jobs", "2", "--quiet"])
        guard scan.status == 0 else { throw TestToolError(message: "scan exited \(scan.status): \(scan.stderr)") }
        let match = try KeyprintBinary.run(["match", "--db", database, "--quiet"])
        guard match.status == 0 else { throw TestToolError(message: "match exited \(match.status): \(match.stderr)") }
        let csv = folder.path + "/timeline.csv"
        let export = try KeyprintBinary.run(["export", "timeline", "--db", database, "--output", csv])
        guard export.status == 0 else { throw TestToolError(message: "export exited \(export.status): \(export.stderr)") }
        let table = TimelineCSVTests.parse(try String(contentsOfFile: csv, encoding: .utf8))
        let header = table.first ?? []
        let rows = table.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(header, $0)) }
        return Case(root: EvidencePaths.realPath(root) ?? root, rows: rows)
    }

    @Test(arguments: copies.map(\.name))
    func aTurnedCopyLinksToItsCaptureWithItsTransformAndSpan(name: String) throws {
        let fixture = try Self.shared.get()
        let copy = try #require(Self.copies.first { $0.name == name })
        let capture = fixture.root + "/call-a.mp4", turned = fixture.root + "/" + name
        var found = false
        for r in fixture.rows {
            let q = r["query_path"] ?? "", ref = r["reference_path"] ?? ""
            guard [q, ref].sorted() == [capture, turned].sorted() else { continue }
            found = true
            // The word is the query's picture relative to the reference's.
            let expected = q == turned ? copy.orientation : copy.orientation.inverse
            #expect(r["transform"]?.hasPrefix(expected.word) == true, "\(name): transform \(r["transform"] ?? "") (query \(q)), expected \(expected.word)")
            // The copy is all of call-a: the call (2.5–18 s) at least, and the opening screen too
            // (in this small case it is not common to three files, so it may count), on one line.
            let qs = Double(r["query_start_s"] ?? "") ?? -99, qe = Double(r["query_end_s"] ?? "") ?? -99
            let rs = Double(r["reference_start_s"] ?? "") ?? -99, re = Double(r["reference_end_s"] ?? "") ?? -99
            for (side, s, e) in [("query", qs, qe), ("reference", rs, re)] {
                #expect(s >= -1e-9 && s <= 4.0 && abs(e - 18.0) <= 1.5, "\(name) \(side) span \(s)–\(e), truth 2.5–18.0 (or 0–18.0)")
            }
            #expect(abs(qs - rs) <= 1 && abs(qe - re) <= 1, "\(name): \(qs)–\(qe) ↔ \(rs)–\(re) is not the same stretch")
        }
        #expect(found, "\(name) is not linked to call-a.mp4")
    }

    @Test func nothingLinksToTheOtherCapture() throws {
        let fixture = try Self.shared.get()
        let other = fixture.root + "/call-b.mp4"
        let false_ = fixture.rows.filter { $0["query_path"] == other || $0["reference_path"] == other }
        #expect(false_.isEmpty, "false links: \(false_.map { "\($0["query_path"] ?? "") ↔ \($0["reference_path"] ?? "")" })")
        #expect(!fixture.rows.isEmpty)
    }
}
