import Foundation
import KeyprintModel
import KeyprintDecode
import KeyprintHash
import KeyprintIndex
import KeyprintMatch
import KeyprintStore
import KeyprintExport
import KeyprintPipeline

/// Every file of samples/ against every other with the library alone (decode → whole and
/// per-shot region hashes with `VideoHasher.hashWithRegions`, the scan's own code → Matcher), scored
/// against samples/truth.json. An experiment for the design; `keyprint match` does the same
/// from the case database.
enum SamplesExperiment {
    static func run(directory: String, every: Double, dumpPath: String? = nil, perShot: Bool = true) throws -> String {
        let truthData = try Data(contentsOf: URL(fileURLWithPath: directory + "/truth.json"))
        let truth = try JSONSerialization.jsonObject(with: truthData) as! [String: Any]
        let videoEntries = truth["videos"] as! [[String: Any]]
        let paths = videoEntries.map { $0["path"] as! String }
        var videos: [VideoFrames] = []
        var regionNotes: [String] = []
        for path in paths {
            // The product's scan code path (whole-frame + streaming per-shot region hashes), so
            // the experiment and `keyprint scan` cannot disagree. `perShot == false`: one region
            // per video, decided on its first buffer (the scan before per-shot regions).
            var regionHashing = RegionHashing()
            regionHashing.perShot = perShot
            let hashed = try VideoHasher.hashWithRegions(path: directory + "/" + path,
                                                         options: DecodeOptions(sampling: .interval(seconds: every)),
                                                         regions: true, regionHashing: regionHashing)
            let i = videos.count
            let (frames, regionFrames) = (hashed.frames, hashed.regionFrames)
            let boxes = hashed.shots.map { s in
                "\(fixed(s.startTime, 1)) s: " + (s.region.map { "x \(fixed($0.x, 2)) y \(fixed($0.y, 2)) w \(fixed($0.width, 2)) h \(fixed($0.height, 2))" } ?? "whole frame")
            }
            regionNotes.append("\(path): " + (boxes.isEmpty ? "whole frame" : boxes.joined(separator: "; ")))
            videos.append(VideoFrames(videoID: Int64(i), frames: frames, regionFrames: regionFrames))
        }
        if let dumpPath {
            // One line per sampled frame, for analysis outside Swift: video, time, whole-frame
            // quality/hash/mirror, region quality/hash/mirror (or "-").
            var text = ""
            for (v, path) in zip(videos, paths) {
                for (i, f) in v.frames.enumerated() {
                    let r = v.hasRegions ? "\(v.regionFrames[i].quality) \(v.regionFrames[i].hash.hex) \(v.regionFrames[i].mirrorHash.hex)" : "- - -"
                    text += "\(path) \(f.timestamp) \(f.quality) \(f.hash.hex) \(f.mirrorHash.hex) \(r)\n"
                }
            }
            try text.write(toFile: dumpPath, atomically: true, encoding: .utf8)
        }
        let matcher = Matcher(references: videos)
        var found: [MatchSegment] = []
        for v in videos { found += matcher.match(query: v) }

        func id(_ path: String) -> Int64 { Int64(paths.firstIndex(of: path)!) }
        func iou(_ a0: Double, _ a1: Double, _ b0: Double, _ b1: Double) -> Double {
            let inter = max(0, min(a1, b1) - max(a0, b0)), union = max(a1, b1) - min(a0, b0)
            return union > 0 ? inter / union : 0
        }
        var lines: [String] = []
        var linked = 0, spansOK = 0, iouSum = 0.0
        var truePairs = Set<[Int64]>()
        for p in truth["pairs"] as! [[String: Any]] {
            let a = id(p["a"] as! String), b = id(p["b"] as! String)
            truePairs.insert([min(a, b), max(a, b)])
            let (as0, as1) = (p["a_start_s"] as! Double, p["a_end_s"] as! Double)
            let (bs0, bs1) = (p["b_start_s"] as! Double, p["b_end_s"] as! Double)
            // Segments with a as query and b as reference (b → a ones are the mirror image).
            let candidates = found.filter { $0.queryVideoID == a && $0.referenceVideoID == b }
            guard let best = candidates.max(by: {
                iou($0.queryStart, $0.queryEnd, as0, as1) < iou($1.queryStart, $1.queryEnd, as0, as1)
            }) else {
                lines.append("MISSED \(p["a"]!) ↔ \(p["b"]!)")
                continue
            }
            linked += 1
            // Sampled frames cover [start, end]: allow one sampling interval beyond the 1 s.
            let ok = abs(best.queryStart - as0) <= 1 + every && abs(best.queryEnd - as1) <= 1 + every
                && abs(best.referenceStart - bs0) <= 1 + every && abs(best.referenceEnd - bs1) <= 1 + every
            if ok { spansOK += 1 }
            let pairIoU = (iou(best.queryStart, best.queryEnd, as0, as1) + iou(best.referenceStart, best.referenceEnd, bs0, bs1)) / 2
            iouSum += pairIoU
            lines.append("\(ok ? "ok    " : "SPAN  ") \(p["a"]!) \(fixed(best.queryStart, 1))–\(fixed(best.queryEnd, 1)) (truth \(fixed(as0, 1))–\(fixed(as1, 1))) ↔ \(p["b"]!) \(fixed(best.referenceStart, 1))–\(fixed(best.referenceEnd, 1)) (truth \(fixed(bs0, 1))–\(fixed(bs1, 1))) \(best.transform.rawValue) ×\(fixed(best.slope, 2)) IoU \(fixed(pairIoU, 2))")
        }
        var falseLinks = Set<[Int64]>()
        for s in found where !truePairs.contains(s.filePair) {
            falseLinks.insert(s.filePair)
        }
        for f in falseLinks.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
            lines.append("FALSE \(paths[Int(f[0])]) ↔ \(paths[Int(f[1])])")
        }
        let linkedPairs = Set(found.map(\.filePair))
        let tp = linkedPairs.intersection(truePairs).count
        let precision = linkedPairs.isEmpty ? 1 : Double(tp) / Double(linkedPairs.count)
        let recall = Double(tp) / Double(truePairs.count)
        return (regionNotes + [""] + lines + ["",
            "| sampling | true pairs | linked (a→b) | spans within 1 s + 1 interval | false pairs | precision | recall | mean span IoU |",
            "|---|---:|---:|---:|---:|---:|---:|---:|",
            "| every \(every) s | \(truePairs.count) | \(linked) | \(spansOK) | \(falseLinks.count) | \(fixed(precision, 3)) | \(fixed(recall, 3)) | \(fixed(linked > 0 ? iouSum / Double(linked) : 0, 3)) |",
        ]).joined(separator: "\n")
    }
}
