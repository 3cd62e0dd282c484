import Foundation
import KeyprintModel
import KeyprintHash
import KeyprintIndex
import KeyprintMatch
import KeyprintStore
import KeyprintPipeline

/// PDQ hashing cost per decoded frame at common sizes: our sampled-filter hasher (whole
/// frame, and whole + exact mirror as the scan computes) against the reference shape of the
/// algorithm (filter every pixel, then decimate) run in the same process as the baseline.
enum HashBenchmark {
    static func run(repetitions: Int = 200) -> String {
        var lines = [
            "| frame | hasher: whole (ms/frame, CPU) | hasher: whole + mirror (ms/frame, CPU) | every-pixel filter baseline (ms/frame, CPU) | speedup vs baseline | same hash |",
            "|---|---:|---:|---:|---:|---|",
        ]
        for (w, h) in [(640, 360), (854, 480), (1280, 720), (1920, 1080)] {
            var generator = SplitMix64(seed: UInt64(w * h))
            // A textured plane with structure at several scales (random values alone would be
            // too easy for the median threshold to flip).
            let pixels: [Float] = (0..<(w * h)).map { i in
                let x = Float(i % w), y = Float(i / w)
                let noise = Float(generator.next() % 32)
                return min(255, max(0, 110 + 60 * sinf(x / 37 + y / 91) + 40 * cosf(y / 23 - x / 140) + noise))
            }
            let plain = PDQHasher(), mirrored = PDQHasher(exactMirror: true), reference = PDQHasher()
            _ = plain.hash(luma: pixels, width: w, height: h)
            _ = mirrored.hash(luma: pixels, width: w, height: h)
            let (a, tPlain) = measure { (0..<repetitions).map { _ in plain.hash(luma: pixels, width: w, height: h).hash }.last! }
            let (_, tMirror) = measure { (0..<repetitions).map { _ in mirrored.hash(luma: pixels, width: w, height: h).hash }.last! }
            let baselineReps = max(10, repetitions / 10)
            let (b, tRef) = measure { (0..<baselineReps).map { _ in reference.hashFilteringEveryPixel(luma: pixels, width: w, height: h).hash }.last! }
            let plainMs = tPlain.cpu * 1000 / Double(repetitions)
            let mirrorMs = tMirror.cpu * 1000 / Double(repetitions)
            let refMs = tRef.cpu * 1000 / Double(baselineReps)
            lines.append("| \(w)×\(h) | \(fixed(plainMs, 3)) | \(fixed(mirrorMs, 3)) | \(fixed(refMs, 3)) | \(fixed(refMs / plainMs, 1))× | \(a.distance(to: b) == 0 ? "yes" : "\(a.distance(to: b)) bits apart") |")
        }
        return lines.joined(separator: "\n")
    }
}
