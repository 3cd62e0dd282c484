import Foundation
import Testing

/// The report of samples/ loaded in a real browser: Debian's `chromium`, headless
/// (scripts/setup-deps installs it for the tests). Every image loads (checked from the DOM after
/// the load event), nothing is reported as an error (console, failed fetches, CSP violations),
/// a screenshot and a PDF are written. With CI set a missing chromium fails the test; locally
/// it skips with a message.
@Suite struct ReportBrowserTests {
    static var chromium: String? {
        for candidate in ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
        where FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        return nil
    }

    /// Runs the browser headless on `arguments`, returning stdout (its stderr is discarded: it
    /// logs its own D-Bus and GPU chatter there).
    static func headless(_ browser: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: browser)
        process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
                             "--user-data-dir=" + NSTemporaryDirectory() + "/keyprint-chromium-\(UUID().uuidString)"] + arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw TestToolError(message: "\(browser) \(arguments.joined(separator: " ")) exited with \(process.terminationStatus)")
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// A script the test adds to a copy of the report (the report itself has none, and its CSP
    /// forbids them: the copy's CSP allows this inline script and nothing else more). It records
    /// errors from the start and, after the load event, writes what it found into the DOM.
    static let probe = """
    <script>
    window.__problems = [];
    window.addEventListener('error', function (e) {
      var t = e.target;
      window.__problems.push(t && t.tagName ? ('failed to load ' + t.tagName + ' ' + (t.getAttribute('src') || t.getAttribute('href'))) : ('error ' + e.message));
    }, true);
    document.addEventListener('securitypolicyviolation', function (e) { window.__problems.push('CSP blocked ' + e.blockedURI); });
    ['error', 'warn'].forEach(function (level) {
      var original = console[level];
      console[level] = function () { window.__problems.push('console.' + level + ' ' + Array.prototype.join.call(arguments, ' ')); original.apply(console, arguments); };
    });
    window.addEventListener('load', function () {
      var images = document.images, loaded = 0, broken = [];
      for (var i = 0; i < images.length; i++) {
        if (images[i].complete && images[i].naturalWidth > 0) loaded++; else broken.push(images[i].getAttribute('src'));
      }
      var out = document.createElement('pre');
      out.id = 'keyprint-probe';
      out.textContent = JSON.stringify({ images: images.length, loaded: loaded, broken: broken, problems: window.__problems });
      document.body.appendChild(out);
    });
    </script>
    """

    @Test func everyImageLoadsWithoutErrorsAndScreenshotAndPDFAreWritten() async throws {
        guard let browser = Self.chromium else {
            if ProcessInfo.processInfo.environment["CI"] != nil {
                Issue.record("chromium is missing: CI must install it (scripts/setup-deps chromium, which scripts/test runs)")
            } else {
                print("ReportBrowserTests: skipped, chromium is not installed (apt-get install chromium; scripts/test installs it)")
            }
            return
        }
        let fixture = try await ReportCommandTests.samples.value
        let html = fixture.html
        let policy = "default-src 'none';"
        #expect(html.contains(policy))
        let probed = html.replacingOccurrences(of: policy, with: "default-src 'none'; script-src 'unsafe-inline';")
            .replacingOccurrences(of: "</title>", with: "</title>\n" + Self.probe)
        let probePage = fixture.report + "/probe.html"
        try probed.write(toFile: probePage, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: probePage) }

        let dom = try Self.headless(browser, ["--virtual-time-budget=20000", "--dump-dom", "file://" + probePage])
        let start = try #require(dom.range(of: "<pre id=\"keyprint-probe\">"), "the probe did not run: \(dom.suffix(300))")
        let tail = dom[start.upperBound...]
        let end = try #require(tail.range(of: "</pre>"))
        let json = String(tail[..<end.lowerBound]).replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&amp;", with: "&")
        let result = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let images = try #require(result["images"] as? Int)
        let expected = html.components(separatedBy: "<img ").count - 1
        #expect(images == expected && images > 300, "the browser saw \(images) images, the HTML has \(expected)")
        #expect(result["loaded"] as? Int == images, "broken: \(result["broken"] ?? "?")")
        #expect((result["broken"] as? [Any])?.isEmpty == true)
        #expect((result["problems"] as? [Any])?.isEmpty == true, "\(result["problems"] ?? "?")")

        // The report itself, as an examiner opens it: a screenshot and a PDF.
        let screenshot = fixture.folder + "/report.png"
        _ = try Self.headless(browser, ["--window-size=1280,2000", "--screenshot=" + screenshot, "file://" + fixture.report + "/index.html"])
        let png = try Data(contentsOf: URL(fileURLWithPath: screenshot))
        #expect(png.prefix(8) == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) && png.count > 50_000)
        let pdf = fixture.folder + "/report.pdf"
        _ = try Self.headless(browser, ["--no-pdf-header-footer", "--print-to-pdf=" + pdf, "file://" + fixture.report + "/index.html"])
        let document = try Data(contentsOf: URL(fileURLWithPath: pdf))
        #expect(document.prefix(5) == Data("%PDF-".utf8) && document.count > 100_000)
        print("ReportBrowserTests: \(images) images loaded; screenshot \(screenshot), PDF \(pdf)")
    }
}
