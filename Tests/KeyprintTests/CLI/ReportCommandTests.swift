import Foundation
import Testing
@testable import KeyprintModel
@testable import KeyprintStore
@testable import KeyprintExport
@testable import KeyprintPipeline

/// `keyprint report` through the built executable, on a case made from `samples/` (scanned
/// once for the suite) and on small hostile cases: each linked pair shows its frames at the
/// stored timestamps, the thumbnails are real JPEG files under the report folder, stored
/// strings are escaped, a changed file is flagged, and the evidence is never touched.
@Suite struct ReportCommandTests {
    /// samples/ scanned, matched and reported, once for every test here.
    struct SamplesReport: Sendable {
        var folder: String
        var database: String
        var report: String
        var html: String
    }

    static let samples = Task { () throws -> SamplesReport in
        let folder = try TemporaryFolder("keyprint-report").path
        let database = folder + "/case.sqlite"
        let root = TestPaths.samples.path
        let before = try CLIFixtures.snapshot(root)
        let scan = try KeyprintBinary.run(["scan", root, "--db", database, "--quiet"])
        guard scan.status == 0 else { throw TestToolError(message: "scan: \(scan.stderr)") }
        let match = try KeyprintBinary.run(["match", "--db", database, "--quiet"])
        guard match.status == 0 else { throw TestToolError(message: "match: \(match.stderr)") }
        let report = folder + "/report"
        let run = try KeyprintBinary.run(["report", "--db", database, "--output", report])
        guard run.status == 0 else { throw TestToolError(message: "report: \(run.stderr)") }
        guard run.stderr.contains("frames cut") && run.stderr.contains("linked pair(s)") else {
            throw TestToolError(message: "no progress on stderr: \(run.stderr)")
        }
        guard try CLIFixtures.snapshot(root) == before else { throw TestToolError(message: "the report changed samples/") }
        let html = try String(contentsOfFile: report + "/index.html", encoding: .utf8)
        return SamplesReport(folder: folder, database: database, report: report, html: html)
    }

    /// The attribute values of `name` in a piece of HTML, in order.
    static func attributes(_ name: String, in html: Substring) -> [String] {
        var out: [String] = []
        var rest = html[...]
        let marker = " \(name)=\""
        while let start = rest.range(of: marker) {
            let tail = rest[start.upperBound...]
            guard let end = tail.firstIndex(of: "\"") else { break }
            out.append(String(tail[..<end]))
            rest = tail[end...]
        }
        return out
    }

    /// The pieces of `html` that start with `opening`, each up to the next one or to `closing`.
    static func pieces(_ html: Substring, startingWith opening: String, endingAt closing: String? = nil) -> [Substring] {
        html.components(separatedBy: opening).dropFirst().map { piece in
            let whole = Substring(opening + piece)
            guard let closing, let end = whole.range(of: closing) else { return whole }
            return whole[..<end.upperBound]
        }
    }

    @Test func eachLinkedPairShowsItsFramesAtTheStoredTimestamps() async throws {
        let fixture = try await Self.samples.value
        let store = try SQLiteCaseStore(path: fixture.database, create: false, readOnly: true)
        var segments: [MatchSegment] = []
        for run in try await store.matchRuns() { segments += try await store.matchSegments(runID: run.id) }
        try #require(segments.count >= 30, "samples/ should link about 34 pairs")
        var frameTimes: [Int64: Set<Double>] = [:]
        for file in try await store.doneFiles() { frameTimes[file.id] = Set(try await store.frames(fileID: file.id).map(\.timestamp)) }
        func isStored(_ id: Int64, _ time: Double) -> Bool {
            frameTimes[id]?.contains { abs($0 - time) < 1e-6 } == true
        }

        let articles = Self.pieces(fixture.html[...], startingWith: "<article class=\"pair", endingAt: "</article>")
        #expect(articles.count == Set(segments.map(\.filePair)).count)
        var shownPairs: Set<[Int64]> = []
        var previousScore = Double.infinity
        for article in articles {
            let head = article.prefix { $0 != ">" }
            let q = try #require(Int64(Self.attributes("data-query-id", in: head).first ?? ""))
            let r = try #require(Int64(Self.attributes("data-reference-id", in: head).first ?? ""))
            shownPairs.insert([min(q, r), max(q, r)])
            let stored = segments.filter { $0.filePair == [min(q, r), max(q, r)] }
            // Strongest pair first.
            let score = stored.map(\.score).max() ?? 0
            #expect(score <= previousScore + 1e-9)
            previousScore = score
            let sections = Self.pieces(article, startingWith: "<section class=\"segment\"", endingAt: "</section>")
            #expect(sections.count == stored.count, "pair \(q)–\(r): \(sections.count) sections for \(stored.count) segments")
            for section in sections {
                let head = section.prefix { $0 != ">" }
                let qStart = try #require(Double(Self.attributes("data-query-start", in: head).first ?? ""))
                let qEnd = try #require(Double(Self.attributes("data-query-end", in: head).first ?? ""))
                let rStart = try #require(Double(Self.attributes("data-reference-start", in: head).first ?? ""))
                let rEnd = try #require(Double(Self.attributes("data-reference-end", in: head).first ?? ""))
                // The section is one of the stored segments, seen from either file.
                #expect(stored.contains {
                    ($0.queryVideoID == q && abs($0.queryStart - qStart) < 0.001 && abs($0.referenceStart - rStart) < 0.001)
                        || ($0.queryVideoID == r && abs($0.referenceStart - qStart) < 0.001 && abs($0.queryStart - rStart) < 0.001)
                })
                let figures = Self.pieces(section, startingWith: "<figure class=\"frame-pair\"", endingAt: "</figure>")
                #expect(figures.count >= 3, "segment \(qStart)–\(qEnd) of \(q)–\(r) shows \(figures.count) frame pairs")
                for figure in figures {
                    let head = figure.prefix { $0 != ">" }
                    let qt = try #require(Double(Self.attributes("data-query-time", in: head).first ?? ""))
                    let rt = try #require(Double(Self.attributes("data-reference-time", in: head).first ?? ""))
                    #expect(isStored(q, qt) && isStored(r, rt), "pair \(q)–\(r): \(qt) ↔ \(rt) are not stored frames")
                    #expect(qt >= qStart - 1e-6 && qt <= qEnd + 1e-6)
                    #expect(rt >= min(rStart, rEnd) - 1.01 && rt <= max(rStart, rEnd) + 1.01)
                    // Each side's image is the frame of that file at that time, a real JPEG.
                    let frames = Self.pieces(figure, startingWith: "<span class=\"frame\"")
                    #expect(frames.count == 2)
                    for (frame, (id, time)) in zip(frames, [(q, qt), (r, rt)]) {
                        #expect(Self.attributes("data-file-id", in: frame).first == String(id))
                        let src = try #require(Self.attributes("src", in: frame).first)
                        #expect(src == "frames/" + ReportBuilder.imageName(fileID: id, time: time))
                        let bytes = try Data(contentsOf: URL(fileURLWithPath: fixture.report + "/" + src))
                        #expect(bytes.prefix(2) == Data([0xFF, 0xD8]) && bytes.count > 1000)
                    }
                    let distance = try #require(Int(Self.attributes("data-distance", in: head).first ?? ""))
                    #expect(distance >= 0 && distance <= 256)
                }
            }
        }
        #expect(shownPairs == Set(segments.map(\.filePair)))
        // Derived links are marked as such.
        let derived = segments.filter { $0.via != nil }.count
        #expect(derived > 0)
        #expect(fixture.html.components(separatedBy: "class=\"pair derived\"").count - 1 > 0)
        // A contact sheet per done video, 12 frames each (fewer only for shorter videos).
        let sheets = Self.pieces(fixture.html[...], startingWith: "<div class=\"sheet\"", endingAt: "</div></div>")
        #expect(sheets.count == frameTimes.count)
        for sheet in sheets {
            let id = try #require(Int64(Self.attributes("data-file-id", in: sheet.prefix { $0 != ">" }).first ?? ""))
            let times = Self.attributes("data-time", in: sheet).compactMap(Double.init)
            #expect(times.count == min(12, frameTimes[id]?.count ?? 0))
            #expect(times.allSatisfy { isStored(id, $0) })
        }
        // Self-contained: nothing is fetched from elsewhere, and nothing runs.
        #expect(!fixture.html.contains("<script"))
        #expect(!fixture.html.contains("http://") && !fixture.html.contains("https://") && !fixture.html.contains("@import"))
        #expect(Self.attributes("src", in: fixture.html[...]).allSatisfy { $0.hasPrefix("frames/f") && $0.hasSuffix(".jpg") })
        #expect(fixture.html.contains("Content-Security-Policy"))
        #expect(fixture.html.contains("@media print"))
    }

    @Test func storedStringsAreEscapedAndAChangedFileIsFlagged() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let root = try EvidencePaths.resolveFolder(try folder.sub("evidence"))
        let hostile = "a<script>alert(1)<b>.mp4", quoted = "b\"&'<img src=x>.mp4"
        try TestVideos.make(root + "/" + hostile, variant: 1, seconds: 8)
        try FileManager.default.copyItem(atPath: root + "/" + hostile, toPath: root + "/" + quoted)
        try FileManager.default.copyItem(atPath: root + "/" + hostile, toPath: root + "/changed.mp4")
        let database = folder.path + "/case.sqlite"
        #expect(try KeyprintBinary.run(["scan", root, "--db", database, "--quiet"]).status == 0)
        #expect(try KeyprintBinary.run(["match", "--db", database, "--quiet"]).status == 0)
        // One file changes after its scan: its frames would come from other bytes.
        let handle = try #require(FileHandle(forWritingAtPath: root + "/changed.mp4"))
        handle.seekToEndOfFile()
        handle.write(Data("tail".utf8))
        try handle.close()
        let before = try CLIFixtures.snapshot(root)

        // Not inside the evidence.
        let inside = try KeyprintBinary.run(["report", "--db", database, "--output", root + "/report"])
        #expect(inside.status == 2, "\(inside.stderr)")
        #expect(!FileManager.default.fileExists(atPath: root + "/report"))

        let report = folder.path + "/report"
        let run = try KeyprintBinary.run(["report", "--db", database, "--output", report, "--quiet"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("no frames of") && run.stderr.contains("changed.mp4"))
        #expect(try CLIFixtures.snapshot(root) == before, "the report touched the evidence")
        let html = try String(contentsOfFile: report + "/index.html", encoding: .utf8)
        #expect(!html.contains("<script") && !html.contains("<img src=x"))
        #expect(html.contains("a&lt;script&gt;alert(1)&lt;b&gt;.mp4"))
        #expect(html.contains("b&quot;&amp;&#39;&lt;img src=x&gt;.mp4"))
        #expect(html.contains("the file changed since it was scanned (size"))
        let store = try SQLiteCaseStore(path: database, create: false, readOnly: true)
        let changed = try #require(try await store.files(collection: nil).first { $0.relativePath == "changed.mp4" })
        #expect(!html.contains("src=\"frames/f\(changed.id)-"), "frames of the changed file are shown")
        #expect(html.contains("data-file-id=\"\(changed.id)\""))
        // The other two files' frames are there.
        let images = try FileManager.default.contentsOfDirectory(atPath: report + "/frames")
        #expect(images.count >= 12 && images.allSatisfy { !$0.hasPrefix("f\(changed.id)-") })
    }

    /// A change that keeps size and modification time shows only when the digests are checked.
    @Test func verifyHashesFlagsAChangeThatKeepsSizeAndTime() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let root = try EvidencePaths.resolveFolder(try folder.sub("evidence"))
        try TestVideos.make(root + "/a.mp4", variant: 2, seconds: 6)
        try FileManager.default.copyItem(atPath: root + "/a.mp4", toPath: root + "/b.mp4")
        let database = folder.path + "/case.sqlite"
        #expect(try KeyprintBinary.run(["scan", root, "--db", database, "--quiet"]).status == 0)
        #expect(try KeyprintBinary.run(["match", "--db", database, "--quiet"]).status == 0)
        // One byte in the middle of b.mp4 (its media data) flipped, size and mtime put back.
        let path = root + "/b.mp4"
        var info = stat()
        #expect(stat(path, &info) == 0)
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        bytes[bytes.count / 2] ^= 0x01
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        var times = [info.st_atim, info.st_mtim]
        #expect(utimensat(AT_FDCWD, path, &times, 0) == 0)

        let plain = try KeyprintBinary.run(["report", "--db", database, "--output", folder.path + "/plain", "--quiet"])
        #expect(plain.status == 0, "\(plain.stderr)")
        #expect(!plain.stderr.contains("b.mp4"), "\(plain.stderr)")
        let verified = try KeyprintBinary.run(["report", "--db", database, "--output", folder.path + "/verified", "--verify-hashes", "--quiet"])
        #expect(verified.status == 0, "\(verified.stderr)")
        #expect(verified.stderr.contains("no frames of") && verified.stderr.contains("b.mp4") && verified.stderr.contains("SHA-256"))
        #expect(!verified.stderr.contains("a.mp4"), "\(verified.stderr)")
        let html = try String(contentsOfFile: folder.path + "/verified/index.html", encoding: .utf8)
        #expect(html.contains("the file changed since it was scanned (SHA-256 "))
    }

    @Test func escapeCoversMarkupQuotesAndControlCharacters() {
        #expect(ReportHTML.escape("<a href='x'>\"&\"</a>") == "&lt;a href=&#39;x&#39;&gt;&quot;&amp;&quot;&lt;/a&gt;")
        #expect(ReportHTML.escape("bell\u{07}esc\u{1B}") == "bell\\u{7}esc\\u{1b}")
        #expect(ReportHTML.escape("bad\\xff name") == "bad\\xff name")
    }
}
