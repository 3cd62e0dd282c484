import Foundation
import Testing

/// scripts/evaluate-samples.py's VSC22 µAP, span-end share and per-transform recall on
/// hand-made truths and timelines whose figures were worked out by hand (in each comment).
/// The script runs as bench-samples runs it: a timeline CSV and a truth.json in a folder.
@Suite struct EvaluateSamplesTests {
    struct Span { var a: String; var b: String; var a0, a1, b0, b1: Double }
    struct Prediction { var span: Span; var score: Double }
    struct TruePair { var span: Span; var transform: [String] }

    struct Figures: Decodable {
        var precision: Double
        var recall: Double
        var micro_ap: Double
        var span_ends_within_0_5_s: Double
        var recall_by_transform: [String: [Int]]
    }

    static func evaluate(truth: [TruePair], predictions: [Prediction]) throws -> Figures {
        let folder = try TemporaryFolder("keyprint-evaluate-samples")
        defer { folder.remove() }
        let set = try folder.sub("set")
        let pairs = truth.map { p in
            """
            {"a": "\(p.span.a)", "a_start_s": \(p.span.a0), "a_end_s": \(p.span.a1), "b": "\(p.span.b)", \
            "b_start_s": \(p.span.b0), "b_end_s": \(p.span.b1), "transform": [\(p.transform.map { "\"\($0)\"" }.joined(separator: ","))]}
            """
        }
        try "{\"version\": 1, \"pairs\": [\(pairs.joined(separator: ",\n"))]}\n"
            .write(toFile: set + "/truth.json", atomically: true, encoding: .utf8)
        var csv = "query_path,query_start_s,query_end_s,reference_path,reference_start_s,reference_end_s,score,linked_via\r\n"
        for p in predictions {
            csv += "\(set)/\(p.span.a),\(p.span.a0),\(p.span.a1),\(set)/\(p.span.b),\(p.span.b0),\(p.span.b1),\(p.score),\r\n"
        }
        try csv.write(toFile: folder.path + "/timeline.csv", atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", KeyprintBinary.packageRoot + "/scripts/evaluate-samples.py", folder.path + "/timeline.csv",
                             "--truth", set + "/truth.json", "--json", folder.path + "/figures.json"]
        process.standardOutput = FileHandle.nullDevice
        let err = Pipe()
        process.standardError = err
        try process.run()
        let errors = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "evaluate-samples.py: \(String(decoding: errors, as: UTF8.self))")
        let data = try Data(contentsOf: URL(fileURLWithPath: folder.path + "/figures.json"))
        return try JSONDecoder().decode(Figures.self, from: data)
    }

    static let x = Span(a: "captures/a.mp4", b: "reuploads/b.mp4", a0: 0, a1: 10, b0: 0, b1: 10)
    static let y = Span(a: "captures/a.mp4", b: "unrelated/c.mp4", a0: 0, a1: 10, b0: 0, b1: 10)
    static let truthX = [TruePair(span: x, transform: ["rot90"])]

    static func near(_ value: Double, _ expected: Double) -> Bool { abs(value - expected) < 1e-6 }

    // Half of the true pair first (R 0.5 at P 1), then a false link (R unchanged): µAP 0.5.
    @Test func partialMatchThenFalseLink() throws {
        var half = Self.x; half.a1 = 5; half.b1 = 5
        let f = try Self.evaluate(truth: Self.truthX, predictions: [Prediction(span: half, score: 2), Prediction(span: Self.y, score: 1)])
        #expect(Self.near(f.micro_ap, 0.5))
        #expect(Self.near(f.precision, 0.5))   // pairs: one true link, one false
        #expect(Self.near(f.span_ends_within_0_5_s, 0))
    }

    // Score order decides: the false link ranked first gives R 1 at P 0.5 (µAP 0.5); ranked
    // last, R 1 at P 1 comes first (µAP 1.0).
    @Test func falseLinkRankedFirstOrLast() throws {
        let first = try Self.evaluate(truth: Self.truthX, predictions: [Prediction(span: Self.y, score: 2), Prediction(span: Self.x, score: 1)])
        #expect(Self.near(first.micro_ap, 0.5))
        let last = try Self.evaluate(truth: Self.truthX, predictions: [Prediction(span: Self.y, score: 1), Prediction(span: Self.x, score: 2)])
        #expect(Self.near(last.micro_ap, 1.0))
        #expect(Self.near(last.span_ends_within_0_5_s, 1))
    }

    // Equal scores are one step: true and false together give P 0.5 at R 1 (µAP 0.5), although
    // the true link comes first in the file (taken one by one it would be 1.0).
    @Test func equalScoresAreOneStep() throws {
        let f = try Self.evaluate(truth: Self.truthX, predictions: [Prediction(span: Self.x, score: 1), Prediction(span: Self.y, score: 1)])
        #expect(Self.near(f.micro_ap, 0.5))
    }

    // Recall is the geometric mean of the axes: all of a, half of b: √(1 × 0.5) = 0.7071.
    @Test func recallIsGeometricMeanOfAxes() throws {
        var halfB = Self.x; halfB.b1 = 5
        let f = try Self.evaluate(truth: Self.truthX, predictions: [Prediction(span: halfB, score: 1)])
        #expect(Self.near(f.micro_ap, 0.5.squareRoot()))
    }

    // Only true segments that a prediction overlaps as a rectangle count. Truth: g1 a 0–10 b 0–10,
    // g2 a 20–30 b 20–30 (totals 20 and 20). p1 (score 2) a 20–25 b 0–5 touches each on one axis
    // only: covered 0, R 0. p2 (score 1) a 0–10 b 0–10 hits g1: covered a |{0–10, 20–25} ∩ 0–10|
    // = 10, b 10; predicted a 15, b 10. R = √(0.5 × 0.5) = 0.5, P = √(10/15 × 1) = 0.8165;
    // µAP = 0.8165 × 0.5 = 0.40825.
    @Test func onlyOverlappedTruthCounts() throws {
        var g2 = Self.x; g2.a0 = 20; g2.a1 = 30; g2.b0 = 20; g2.b1 = 30
        var p1 = Self.x; p1.a0 = 20; p1.a1 = 25; p1.b0 = 0; p1.b1 = 5
        let truth = [TruePair(span: Self.x, transform: ["embedded"]), TruePair(span: g2, transform: ["embedded"])]
        let first = try Self.evaluate(truth: truth, predictions: [Prediction(span: p1, score: 2)])
        #expect(Self.near(first.micro_ap, 0))
        let both = try Self.evaluate(truth: truth, predictions: [Prediction(span: p1, score: 2), Prediction(span: Self.x, score: 1)])
        #expect(Self.near(both.micro_ap, (2.0 / 3.0).squareRoot() * 0.5))
    }

    // A missed pair: truth totals 20 and 20, the found one covers 10 and 10: R 0.5 at P 1 (µAP
    // 0.5); recall by transform: rot90 1 of 1, sticker 0 of 1; span ends: 1 of 2 pairs.
    @Test func missedPairAndRecallByTransform() throws {
        let z = Span(a: "captures/a.mp4", b: "reuploads/d.mp4", a0: 0, a1: 10, b0: 0, b1: 10)
        let truth = Self.truthX + [TruePair(span: z, transform: ["sticker"])]
        let f = try Self.evaluate(truth: truth, predictions: [Prediction(span: Self.x, score: 3)])
        #expect(Self.near(f.micro_ap, 0.5))
        #expect(Self.near(f.recall, 0.5))
        #expect(Self.near(f.span_ends_within_0_5_s, 0.5))
        #expect(f.recall_by_transform == ["rot90": [1, 1], "sticker": [0, 1]])
    }
}
