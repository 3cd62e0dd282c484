import Foundation
import KeyprintModel
import KeyprintStore

/// The examiner's report as one HTML file: self-contained and offline (inline CSS, no script,
/// no font, no external reference; thumbnails are image files beside it), readable in any
/// current browser and printable (print CSS: one pair per page region, no navigation).
/// A Content-Security-Policy forbids scripts and every fetch but the report folder's images,
/// so even a stored string that slipped through unescaped could run nothing.
///
/// Every stored string goes through `escape`: file names are attacker-controlled.
public enum ReportHTML {
    public static func document(_ report: ReportDocument) -> String {
        var html = HTMLBuilder()
        html.raw("""
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src 'self'; style-src 'unsafe-inline'">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Keyprint report: \(escape(fileName(report.database)))</title>
        <style>\(style)</style>
        </head>
        <body>

        """)
        caseSummary(report, &html)
        pairs(report, &html)
        contactSheets(report, &html)
        html.raw("<footer>Written by Keyprint \(escape(report.keyprintVersion)) at \(escape(TimelineCSV.iso8601(report.generatedAt.timeIntervalSince1970))).</footer>\n</body>\n</html>\n")
        return html.text
    }

    // MARK: Sections

    static func caseSummary(_ report: ReportDocument, _ html: inout HTMLBuilder) {
        html.raw("<header><h1>Keyprint match report</h1>\n<p class=\"db\">Case database <code>\(escape(report.database))</code></p>\n")
        html.raw("<p class=\"lede\">\(report.pairs.count) linked pair(s) of files")
        let derived = report.pairs.filter(\.isDerived).count
        if derived > 0 { html.raw(", \(derived) of them only through a third file (derived)") }
        html.raw(". Each link is perceptual: check it by viewing the frames below.</p></header>\n")
        html.raw("<section id=\"case\"><h2>The case</h2>\n<table class=\"facts\"><thead><tr><th>collection</th><th>evidence folder</th><th>files per state</th></tr></thead><tbody>\n")
        for collection in report.collections {
            let counts = collection.counts.map { "\($0.state.rawValue) \($0.count)" }.joined(separator: ", ")
            html.raw("<tr><td>\(escape(collection.name))</td><td>\(collection.roots.map { "<code>\(escape($0))</code>" }.joined(separator: "<br>"))</td><td>\(escape(counts))</td></tr>\n")
        }
        html.raw("</tbody></table>\n")
        if !report.problemFiles.isEmpty {
            html.raw("<h3>Failed and skipped files</h3>\n<table class=\"facts\"><thead><tr><th>file</th><th>state</th><th>reason</th></tr></thead><tbody>\n")
            for file in report.problemFiles {
                html.raw("<tr><td><code>\(escape(file.collection))/\(escape(file.relativePath))</code></td><td>\(escape(file.state.rawValue))</td><td>\(escape(file.error ?? ""))</td></tr>\n")
            }
            html.raw("</tbody></table>\n")
        }
        html.raw("<h3>Runs</h3>\n<table class=\"facts\"><thead><tr><th>run</th><th>started</th><th>ended</th><th>settings</th><th>command</th></tr></thead><tbody>\n")
        for scan in report.scans {
            let settings = "\(scan.settings.samplingMode.description); regions \(scan.settings.regions ? "on" : "off"); outcome \(scan.outcome?.rawValue ?? "unfinished")"
            html.raw("<tr><td>scan #\(scan.id) of \(escape(scan.collection))</td><td>\(time(scan.startedAt))</td><td>\(scan.endedAt.map(time) ?? "")</td><td>\(escape(settings))</td><td><code>\(escape(scan.commandLine))</code></td></tr>\n")
        }
        for run in report.matchRuns {
            let s = run.settings
            let comparison = "\(run.queryCollection ?? "every collection") against \(run.referenceCollection ?? "every collection")"
            let settings = "threshold \(s.thresholdBits) bits, segments ≥ \(format(s.minDuration, 1)) s, quality ≥ \(s.minQuality), derived links \(s.deriveLinks == false ? "off" : "on"), search \(s.candidateSearch ?? "exhaustive")"
            html.raw("<tr><td>match #\(run.id): \(escape(comparison))</td><td>\(time(run.startedAt))</td><td>\(run.endedAt.map(time) ?? "")</td><td>\(escape(settings))</td><td><code>\(escape(run.commandLine))</code></td></tr>\n")
        }
        html.raw("</tbody></table>\n<p class=\"versions\">Keyprint \(escape(report.keyprintVersion)); \(escape(report.ffmpegVersions)).</p>\n")
        if !report.pairs.isEmpty {
            html.raw("<nav><h3>Linked pairs, strongest first</h3><ol>\n")
            for (n, pair) in report.pairs.enumerated() {
                html.raw("<li><a href=\"#pair-\(n + 1)\">\(escape(pair.query.stored.relativePath)) ↔ \(escape(pair.reference.stored.relativePath))</a> (score \(format(pair.score, 1))\(pair.isDerived ? ", derived" : ""))</li>\n")
            }
            html.raw("</ol></nav>\n")
        }
        html.raw("</section>\n")
    }

    static func pairs(_ report: ReportDocument, _ html: inout HTMLBuilder) {
        for (n, pair) in report.pairs.enumerated() {
            html.raw("<article class=\"pair\(pair.isDerived ? " derived" : "")\" id=\"pair-\(n + 1)\" data-query-id=\"\(pair.query.id)\" data-reference-id=\"\(pair.reference.id)\">\n")
            html.raw("<h2>\(n + 1). \(escape(pair.query.stored.relativePath)) ↔ \(escape(pair.reference.stored.relativePath))")
            if pair.isDerived { html.raw(" <span class=\"tag\">derived link</span>") }
            html.raw("</h2>\n<table class=\"files\"><thead><tr><th></th><th>query</th><th>reference</th></tr></thead><tbody>\n")
            let q = pair.query, r = pair.reference
            row("file", q.stored.relativePath, r.stored.relativePath, code: true, &html)
            row("collection", q.stored.collection, r.stored.collection, &html)
            row("path", q.stored.path, r.stored.path, code: true, &html)
            row("duration", q.duration.map { format($0, 1) + " s" } ?? "unknown", r.duration.map { format($0, 1) + " s" } ?? "unknown", &html)
            row("MD5", q.stored.digests?.md5 ?? "", r.stored.digests?.md5 ?? "", code: true, &html)
            row("SHA-1", q.stored.digests?.sha1 ?? "", r.stored.digests?.sha1 ?? "", code: true, &html)
            row("SHA-256", q.stored.digests?.sha256 ?? "", r.stored.digests?.sha256 ?? "", code: true, &html)
            html.raw("</tbody></table>\n")
            for file in [q, r] {
                if let problem = file.frameProblem {
                    html.raw("<p class=\"warning\">No frames shown for <code>\(escape(file.stored.relativePath))</code>: \(escape(problem)).</p>\n")
                }
            }
            timelineBar(pair, &html)
            for (k, segment) in pair.segments.enumerated() {
                segmentSection(segment, number: k + 1, &html)
            }
            html.raw("</article>\n")
        }
    }

    static func row(_ label: String, _ query: String, _ reference: String, code: Bool = false, _ html: inout HTMLBuilder) {
        let wrap: (String) -> String = { code ? "<code>\(escape($0))</code>" : escape($0) }
        html.raw("<tr><th>\(label)</th><td>\(wrap(query))</td><td>\(wrap(reference))</td></tr>\n")
    }

    /// Where on each file the segments lie: one bar per file, its length the file's duration.
    static func timelineBar(_ pair: ReportDocument.Pair, _ html: inout HTMLBuilder) {
        let queryLength = max(pair.query.duration ?? 0, pair.segments.map(\.segment.queryEnd).max() ?? 0, 0.001)
        let referenceLength = max(pair.reference.duration ?? 0, pair.segments.map(\.segment.referenceEnd).max() ?? 0, 0.001)
        html.raw("<div class=\"timeline\" aria-label=\"where the segments lie\">\n")
        for (label, length, isQuery) in [("query", queryLength, true), ("reference", referenceLength, false)] {
            html.raw("<div class=\"track\"><span class=\"label\">\(label) 0–\(format(length, 1)) s</span><div class=\"bar\">")
            for (k, s) in pair.segments.enumerated() {
                let start = isQuery ? s.segment.queryStart : s.segment.referenceStart
                let end = isQuery ? s.segment.queryEnd : s.segment.referenceEnd
                let left = max(0, min(100, start / length * 100)), width = max(0.5, min(100 - left, (end - start) / length * 100))
                html.raw("<span class=\"span\(s.via == nil ? "" : " derived")\" style=\"left:\(format(left, 2))%;width:\(format(width, 2))%\" title=\"segment \(k + 1): \(format(start, 1))–\(format(end, 1)) s\">\(k + 1)</span>")
            }
            html.raw("</div></div>\n")
        }
        html.raw("</div>\n")
    }

    static func segmentSection(_ item: ReportDocument.Segment, number: Int, _ html: inout HTMLBuilder) {
        let s = item.segment
        html.raw("<section class=\"segment\" data-query-start=\"\(format(s.queryStart, 3))\" data-query-end=\"\(format(s.queryEnd, 3))\" data-reference-start=\"\(format(s.referenceStart, 3))\" data-reference-end=\"\(format(s.referenceEnd, 3))\">\n")
        html.raw("<h3>Segment \(number): query \(format(s.queryStart, 1))–\(format(s.queryEnd, 1)) s ↔ reference \(format(s.referenceStart, 1))–\(format(s.referenceEnd, 1)) s</h3>\n<ul class=\"facts\">")
        html.raw("<li>transform: \(escape(transformWords(s.transform)))</li>")
        html.raw("<li>speed: \(speedWords(s.slope))</li>")
        html.raw("<li>score \(format(s.score, 2)): \(escape(scoreWords(s)))</li>")
        if let via = item.via {
            html.raw("<li class=\"derived\">derived link: the two files did not match each other; both match <code>\(escape(via.collection))/\(escape(via.relativePath))</code> over this stretch (mean distance \(format(s.meanDistance, 1)) bits is the sum of the two links', an upper bound)</li>")
        } else {
            html.raw("<li>\(s.matchedFrames) matched frame(s), mean Hamming distance \(format(s.meanDistance, 1)) of 256 bits</li>")
        }
        html.raw("</ul>\n<div class=\"strip\">\n")
        for pair in item.frames {
            html.raw("<figure class=\"frame-pair\" data-query-time=\"\(format(pair.query.time, 6))\" data-reference-time=\"\(format(pair.reference.time, 6))\" data-distance=\"\(pair.distance)\">")
            image(pair.query, caption: "query \(clock(pair.query.time))", &html)
            image(pair.reference, caption: "reference \(clock(pair.reference.time))", &html)
            let note = item.via == nil ? "" : " (not a match of its own: derived)"
            html.raw("<figcaption>\(pair.distance) bits, \(escape(pair.kind.rawValue))\(note)</figcaption></figure>\n")
        }
        html.raw("</div>\n</section>\n")
    }

    static func contactSheets(_ report: ReportDocument, _ html: inout HTMLBuilder) {
        guard !report.videos.isEmpty else { return }
        html.raw("<section id=\"videos\"><h2>Contact sheets</h2>\n")
        for video in report.videos {
            let file = video.file
            html.raw("<div class=\"sheet\" data-file-id=\"\(file.id)\"><h3><code>\(escape(file.stored.collection))/\(escape(file.stored.relativePath))</code> <small>\(file.duration.map { format($0, 1) + " s" } ?? "")</small></h3>\n")
            if let problem = file.frameProblem {
                html.raw("<p class=\"warning\">No frames shown: \(escape(problem)).</p>\n")
            }
            html.raw("<div class=\"strip\">")
            for thumbnail in video.sheet { image(thumbnail, caption: clock(thumbnail.time), &html) }
            html.raw("</div></div>\n")
        }
        html.raw("</section>\n")
    }

    static func image(_ thumbnail: ReportDocument.Thumbnail, caption: String, _ html: inout HTMLBuilder) {
        html.raw("<span class=\"frame\" data-file-id=\"\(thumbnail.fileID)\" data-time=\"\(format(thumbnail.time, 6))\">")
        if let image = thumbnail.image {
            html.raw("<img src=\"\(escape(image))\" alt=\"\(escape(caption))\" loading=\"eager\">")
        } else {
            html.raw("<span class=\"missing\">no frame</span>")
        }
        html.raw("<span class=\"time\">\(escape(caption))</span></span>")
    }

    // MARK: Words

    /// What the score means: it reads as "distinctive matched frames".
    public static func scoreWords(_ s: MatchSegment) -> String {
        let strength = s.score >= 8 ? "strong" : s.score >= 3 ? "moderate" : "weak"
        let reading = "as if about \(Int(s.score.rounded())) distinctive frame(s) matched exactly"
        switch strength {
        case "strong": return "strong: \(reading)"
        case "moderate": return "moderate: \(reading); view both spans before relying on it"
        default: return "weak: \(reading); few, common or distant frames support it, so view both spans"
        }
    }

    static func transformWords(_ t: MatchTransform) -> String {
        switch t {
        case .none: return "none (the frames match as they are)"
        case .mirror: return "mirror (one file is the other flipped left to right)"
        case .crop: return "crop (a region of one file, such as the webcam pane or the picture inside letterbox bars, matches)"
        case .mirrorCrop: return "mirror and crop"
        default:
            let o = t.orientation
            let turn = "turned \(o.quarterTurns * 90)° clockwise"
            let what = o.mirrored ? "one file is the other mirrored left to right, then \(turn)" : "one file is the other \(turn)"
            return "\(o.word) (\(what)\(t.isCropped ? ", and a region of it matches" : ""))"
        }
    }

    static func speedWords(_ slope: Double) -> String {
        abs(slope - 1) < 0.02 ? "the same (1×)" : "the reference runs at \(format(slope, 2))× the query's time"
    }

    // MARK: Text

    /// Text safe in HTML content and in quoted attribute values: `& < > " '` as entities, and
    /// C0 control characters (but tab and newline) and DEL shown as `\u{XX}`.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\t", "\n": out.unicodeScalars.append(scalar)
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F || (0x80..<0xA0).contains(scalar.value) {
                    out += "\\u{" + String(scalar.value, radix: 16) + "}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }

    static func fileName(_ path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? path
    }

    static func time(_ date: Date) -> String { TimelineCSV.iso8601(date.timeIntervalSince1970) }

    /// A video time as M:SS.s (H:MM:SS.s from an hour).
    static func clock(_ seconds: Double) -> String {
        let tenths = Int64((max(0, seconds) * 10).rounded())
        let s = tenths / 10 % 60, m = tenths / 600 % 60, h = tenths / 36_000
        let sec = (s < 10 ? "0" : "") + "\(s).\(tenths % 10)"
        return h > 0 ? "\(h):\(m < 10 ? "0" : "")\(m):\(sec)" : "\(m):\(sec)"
    }

    /// Fixed decimals, without locale.
    static func format(_ value: Double, _ digits: Int) -> String {
        guard value.isFinite else { return "0" }
        let scale = pow(10, Double(digits))
        let scaled = Int64((abs(value) * scale).rounded())
        let whole = scaled / Int64(scale), fraction = scaled % Int64(scale)
        let sign = value < 0 && scaled != 0 ? "-" : ""
        if digits == 0 { return sign + String(whole) }
        let f = String(fraction)
        return sign + String(whole) + "." + String(repeating: "0", count: digits - f.count) + f
    }

    static let style = """
    body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#111;background:#fff}
    h1{font-size:1.6em;margin:0 0 .2em}h2{font-size:1.25em;margin:1.4em 0 .4em;border-bottom:1px solid #999}
    h3{font-size:1.05em;margin:1em 0 .3em}code{font:12px/1.3 ui-monospace,monospace;word-break:break-all}
    table{border-collapse:collapse;margin:.4em 0}th,td{border:1px solid #bbb;padding:2px 6px;text-align:left;vertical-align:top}
    table.files td{max-width:38em}ul.facts{margin:.2em 0;padding-left:1.2em}
    .tag{font-size:.75em;background:#fde68a;border:1px solid #b45309;padding:0 .4em;border-radius:3px}
    .warning{background:#fee2e2;border:1px solid #b91c1c;padding:4px 8px}
    .timeline{margin:.6em 0}.track{display:flex;align-items:center;gap:.6em;margin:2px 0}
    .track .label{width:12em;font-size:.85em;color:#444}.bar{position:relative;flex:1;height:16px;background:#e5e7eb;border:1px solid #9ca3af}
    .bar .span{position:absolute;top:0;bottom:0;background:#2563eb;color:#fff;font-size:11px;line-height:16px;text-align:center;overflow:hidden}
    .bar .span.derived{background:repeating-linear-gradient(45deg,#d97706,#d97706 4px,#f59e0b 4px,#f59e0b 8px)}
    .strip{display:flex;flex-wrap:wrap;gap:8px;margin:.4em 0}
    figure.frame-pair{margin:0;padding:4px;border:1px solid #bbb;display:flex;flex-wrap:wrap;gap:4px;max-width:500px}
    figure.frame-pair figcaption{width:100%;font-size:.85em}
    .frame{display:inline-flex;flex-direction:column;align-items:center;font-size:.8em}
    .frame img{max-width:240px;height:auto;display:block;border:1px solid #666}
    .sheet .frame img{max-width:120px}.missing{display:block;width:120px;height:68px;background:#eee;color:#b91c1c;text-align:center}
    .pair.derived h2{color:#92400e}footer{margin-top:2em;color:#555;font-size:.85em}
    @media print{body{margin:0;font-size:11px}nav{display:none}.pair{break-before:page}.segment,figure.frame-pair,.sheet{break-inside:avoid}
    a{color:inherit;text-decoration:none}.bar .span{print-color-adjust:exact;-webkit-print-color-adjust:exact}}
    """
}

/// Appends HTML text; every stored string passed in must already be escaped (`ReportHTML.escape`).
struct HTMLBuilder {
    private(set) var text = ""
    mutating func raw(_ s: String) { text += s }
}
