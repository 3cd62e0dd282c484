import KeyprintModel
import KeyprintHash
import KeyprintIndex
import KeyprintMatch
import KeyprintStore
import KeyprintExport
import KeyprintPipeline

/// One hour of query video (3,600 frames at 1 frame/s) against a million stored frames, end to
/// end: index lookups of every frame's hash and mirrored hash, document frequency, alignment.
enum MatchBenchmark {
    struct Planted {
        var referenceIndex: Int
        var queryStart: Double
        var referenceStart: Double
        var duration: Double
        var speed: Double
        var mirrored: Bool
    }

    static func run(storedFrames: Int, queryFrames: Int, bruteSample: Int, verbose: Bool = false) -> String {
        let references = SyntheticCorpus.videos(totalFrames: storedFrames, seed: 2026)
        var rng = SplitMix64(seed: 77)
        // A query made of fresh material with 12 excerpts of stored videos planted in it:
        // 45 s each, 8 bits of re-encoding noise, two at 1.25× speed, two mirrored.
        var planted: [Planted] = []
        let fresh = SyntheticCorpus.videos(totalFrames: queryFrames, framesPerVideo: queryFrames, seed: 99)[0].frames
        var frames = fresh
        for k in 0..<12 {
            let speed = k % 6 == 1 ? 1.25 : 1.0
            let mirrored = k % 6 == 3
            let queryStart = Double(k * 300 + 20)
            var ref = Int.random(in: 0..<references.count, using: &rng)
            while references[ref].frames.count < 200 { ref = Int.random(in: 0..<references.count, using: &rng) }
            let referenceStart = Double(Int.random(in: 10...100, using: &rng))
            planted.append(Planted(referenceIndex: ref, queryStart: queryStart, referenceStart: referenceStart,
                                   duration: 45, speed: speed, mirrored: mirrored))
            for t in 0..<45 {
                let source = references[ref].frames[Int((referenceStart + speed * Double(t)).rounded())]
                let h = source.hash.flippingRandomBits(8, using: &rng)
                let (hash, mirror) = mirrored ? (SyntheticCorpus.mirror(h), h) : (h, SyntheticCorpus.mirror(h))
                let q = Int(queryStart) + t
                frames[q] = FrameHash(index: q, timestamp: Double(q), quality: 80, hash: hash, mirrorHash: mirror)
            }
        }
        let query = VideoFrames(videoID: 0, frames: frames)

        let (matcher, buildTime) = measure { Matcher(references: references) }
        let (segments, matchTime) = measure { matcher.match(query: query) }

        // Baseline: the same lookups (hash + mirror of each usable query frame) by brute force,
        // timed on a sample of frames and scaled to the whole query.
        let storedHashes = references.flatMap { $0.frames.filter { $0.quality >= 50 }.map(\.hash) }
        let brute = BruteForceIndex(hashes: storedHashes)
        let usable = query.frames.filter { $0.quality >= 50 }
        let sample = Array(usable.prefix(bruteSample))
        let (_, bruteSampleTime) = measure {
            var found = 0
            for f in sample {
                brute.forEachNeighbor(of: f.hash, radius: 31) { _ in found += 1 }
                brute.forEachNeighbor(of: f.mirrorHash, radius: 31) { _ in found += 1 }
            }
            return found
        }
        let bruteEstimate = bruteSampleTime.cpu * Double(usable.count) / Double(sample.count)

        var recovered = 0
        var matchedSegments = Set<Int>()
        for p in planted {
            let refID = references[p.referenceIndex].videoID
            let refEnd = p.referenceStart + p.speed * (p.duration - 1)
            if let i = segments.indices.first(where: { i in
                let s = segments[i]
                return s.referenceVideoID == refID && abs(s.queryStart - p.queryStart) <= 1
                    && abs(s.queryEnd - (p.queryStart + p.duration - 1)) <= 1
                    && abs(s.referenceStart - p.referenceStart) <= 1 && abs(s.referenceEnd - refEnd) <= 1
                    && s.transform == (p.mirrored ? .mirror : .none)
            }) {
                recovered += 1
                matchedSegments.insert(i)
            }
        }
        var extra: [String] = []
        if verbose {
            for p in planted {
                extra.append("planted: ref \(references[p.referenceIndex].videoID) q \(p.queryStart)… r \(p.referenceStart)… ×\(p.speed) mirrored \(p.mirrored)")
            }
            for (i, s) in segments.enumerated() where !matchedSegments.contains(i) {
                extra.append("other: ref \(s.referenceVideoID) q \(fixed(s.queryStart, 1))–\(fixed(s.queryEnd, 1)) r \(fixed(s.referenceStart, 1))–\(fixed(s.referenceEnd, 1)) slope \(fixed(s.slope, 3)) n \(s.matchedFrames) d \(fixed(s.meanDistance, 1)) score \(fixed(s.score, 2)) \(s.transform.rawValue)")
            }
        }
        let lines = extra + [
            "| stored frames | query frames | build index (s CPU) | match, one core (s CPU) | match (s wall) | brute-force lookups only (s CPU, est.) | speedup | planted excerpts found (spans ±1 s, transform) | other segments |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
            "| \(matcher.indexedHashCount) | \(query.frames.count) | \(fixed(buildTime.cpu, 2)) | \(fixed(matchTime.cpu, 3)) | \(fixed(matchTime.wall, 3)) | "
                + "\(fixed(bruteEstimate, 1)) | \(fixed(bruteEstimate / matchTime.cpu, 0))× | \(recovered) / \(planted.count) | "
                + "\(segments.count - matchedSegments.count) |",
        ]
        return lines.joined(separator: "\n")
    }
}
