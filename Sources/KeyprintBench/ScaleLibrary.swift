import Foundation
import KeyprintModel
import KeyprintDecode
import KeyprintMatch
import KeyprintPipeline

/// Synthetic case libraries for `keyprint-bench match-scale`, built from real scanned hashes.
///
/// Material: the whole-frame PDQ hashes (and mirrored hashes, qualities) of the videos of a
/// folder (samples/), hashed at one frame per second with the scan's own decoder and hasher.
/// Each library file is a concatenation of pieces (a random stretch of 5–25 samples of one of
/// those videos) under a random XOR mask of about 40 % of the bits, one mask per piece, so the
/// material keeps the real frame-to-frame structure of video while two pieces of different
/// files sit ~123 bits apart. One file in ten is a planted near-copy of an earlier file (0–8
/// flipped bits per frame, on hash and mirror independently): every other one the whole file,
/// the others a 20–60-s excerpt between fresh pieces; one in four mirrored.
///
/// Clustered (`clustered`): material common to many files, as real libraries have: 4-s intros
/// (4 different pictures, 0–4 bits of noise each time) opening 40 % of the files, still logos
/// (3 samples of one picture) closing 30 %, runs of 2–5 black frames (PDQ quality 0) in 25 %.
/// One intro and one logo per 250 files (at least 4 of each), so each is shared by ~100 files.
struct ScaleLibrary {
    struct Planted {
        var copy: Int64
        var source: Int64
        /// First sample of the copied stretch in the copy and in the source (seconds), and its
        /// number of samples (1 s apart).
        var copyStart: Double
        var sourceStart: Double
        var length: Int
        var mirrored: Bool
    }

    var videos: [VideoFrames]
    var planted: [Planted]

    var frameCount: Int { videos.reduce(0) { $0 + $1.frames.count } }

    /// The whole-frame hashes of every video under `directory` (sorted paths), 1 frame/s.
    static func scannedPieces(directory: String) throws -> [[FrameHash]] {
        let names = try FileManager.default.subpathsOfDirectory(atPath: directory).sorted()
        let videoExtensions: Set<String> = ["mp4", "mkv", "mov", "webm", "avi"]
        var out: [[FrameHash]] = []
        for name in names where videoExtensions.contains((name as NSString).pathExtension.lowercased()) {
            var frames: [FrameHash] = []
            do {
                _ = try VideoHasher.hash(path: directory + "/" + name, options: DecodeOptions(sampling: .interval(seconds: 1))) {
                    frames.append($0)
                }
            } catch { continue }   // the folder's decoder edge cases
            if frames.count >= 5 { out.append(frames) }
        }
        return out
    }

    static func randomMask(_ rng: inout SplitMix64) -> PDQHash {
        func word() -> UInt64 {
            var w: UInt64 = 0
            for b in 0..<64 where rng.next() % 5 < 2 { w |= UInt64(1) << UInt64(b) }
            return w
        }
        return PDQHash(w0: word(), w1: word(), w2: word(), w3: word())
    }

    static func xor(_ a: PDQHash, _ b: PDQHash) -> PDQHash { PDQHash(w0: a.w0 ^ b.w0, w1: a.w1 ^ b.w1, w2: a.w2 ^ b.w2, w3: a.w3 ^ b.w3) }

    /// A masked stretch of real material: (quality, hash, mirror) per sample.
    static func piece(_ material: [[FrameHash]], length: ClosedRange<Int>, _ rng: inout SplitMix64) -> [(Int, PDQHash, PDQHash)] {
        let source = material[Int(rng.next() % UInt64(material.count))]
        let n = min(source.count, Int.random(in: length, using: &rng))
        let start = Int.random(in: 0...(source.count - n), using: &rng)
        let mask = randomMask(&rng), mirrorMask = randomMask(&rng)
        return source[start..<(start + n)].map { ($0.quality, xor($0.hash, mask), xor($0.mirrorHash, mirrorMask)) }
    }

    static func make(files: Int, clustered: Bool, material: [[FrameHash]], seed: UInt64 = 2027) -> ScaleLibrary {
        var rng = SplitMix64(seed: seed &+ UInt64(files) &* 1_000_003 &+ (clustered ? 7 : 0))
        let shared = max(4, files / 250)
        let intros = (0..<shared).map { _ in Array(piece(material, length: 25...25, &rng).filter { $0.0 >= 50 }.prefix(4)) }
        // A logo is a frame of quality ≥ 50; a piece of dark or plain material may have none, so
        // draw again (the same draws as before whenever the first piece has one).
        func logo() -> (Int, PDQHash, PDQHash) {
            for _ in 0..<10_000 {
                if let frame = piece(material, length: 25...25, &rng).first(where: { $0.0 >= 50 }) { return frame }
            }
            fatalError("the scanned material has no frame of quality 50 or more to use as a logo")
        }
        let logos = (0..<shared).map { _ in logo() }
        func fresh(_ count: Int) -> [(Int, PDQHash, PDQHash)] {
            var out: [(Int, PDQHash, PDQHash)] = []
            while out.count < count { out += piece(material, length: 5...25, &rng) }
            return Array(out.prefix(count))
        }
        func noisy(_ f: (Int, PDQHash, PDQHash), _ bits: ClosedRange<Int>) -> (Int, PDQHash, PDQHash) {
            (f.0, f.1.flippingRandomBits(Int.random(in: bits, using: &rng), using: &rng),
             f.2.flippingRandomBits(Int.random(in: bits, using: &rng), using: &rng))
        }
        var raw: [[(Int, PDQHash, PDQHash)]] = []
        var planted: [Planted] = []
        var used = Set<Int>()   // files already a source or a copy: planted pairs stay disjoint
        for f in 0..<files {
            if f % 10 == 9, f >= 10 {
                var s = Int(rng.next() % UInt64(f))
                var tries = 0
                while (used.contains(s) || raw[s].count < 30) && tries < 100 { s = Int(rng.next() % UInt64(f)); tries += 1 }
                if !used.contains(s) {
                    used.insert(s); used.insert(f)
                    let k = planted.count
                    let source = raw[s]
                    let mirrored = k % 4 == 3
                    let (start, length) = k % 2 == 0 ? (0, source.count)
                        : { let l = Int.random(in: 20...min(60, source.count), using: &rng)
                            return (Int.random(in: 0...(source.count - l), using: &rng), l) }()
                    let prefix = k % 2 == 0 ? [] : fresh(Int.random(in: 10...40, using: &rng))
                    var copied = source[start..<(start + length)].map { noisy($0, 0...8) }
                    if mirrored { copied = copied.map { ($0.0, $0.2, $0.1) } }
                    let suffix = k % 2 == 0 ? [] : fresh(Int.random(in: 10...40, using: &rng))
                    raw.append(prefix + copied + suffix)
                    planted.append(Planted(copy: Int64(f + 1), source: Int64(s + 1), copyStart: Double(prefix.count),
                                           sourceStart: Double(start), length: length, mirrored: mirrored))
                    continue
                }
            }
            let body = Int.random(in: 150...220, using: &rng)
            var frames = fresh(body)
            var hasLogo = false
            if clustered {
                if Int.random(in: 0..<10, using: &rng) < 4 {
                    frames = intros[Int(rng.next() % UInt64(shared))].map { noisy($0, 0...4) } + frames
                }
                if Int.random(in: 0..<10, using: &rng) < 3 {
                    let logo = logos[Int(rng.next() % UInt64(shared))]
                    frames += (0..<3).map { _ in noisy(logo, 0...2) }
                    hasLogo = true
                }
                if Int.random(in: 0..<4, using: &rng) == 0 {
                    // Between the intro and the logo: black frames inside a 4-s intro stretch it
                    // past `strongLinkDuration` at slope 0.5, and then it links every file that
                    // has it (a known limit of the matcher, docs/matching.md §2.3; v1 of this
                    // library did that: 91 false direct pairs in 1000 files, both searches).
                    let introEnd = frames.count - (hasLogo ? 3 : 0) - body
                    let at = Int.random(in: (introEnd + 1)...(frames.count - (hasLogo ? 3 : 0)), using: &rng)
                    let black = (0..<Int.random(in: 2...5, using: &rng)).map { _ in (0, PDQHash.zero, PDQHash.zero) }
                    frames.insert(contentsOf: black, at: at)
                }
            }
            raw.append(frames)
        }
        let videos = raw.enumerated().map { i, frames in
            VideoFrames(videoID: Int64(i + 1), frames: frames.enumerated().map { t, f in
                FrameHash(index: t, timestamp: Double(t), quality: f.0, hash: f.1, mirrorHash: f.2)
            }, duration: Double(frames.count))
        }
        return ScaleLibrary(videos: videos, planted: planted)
    }

    /// Planted pairs recovered by `segments` (either direction): found = at least one direct
    /// segment between the two files on the planted line (both ends within 1.5 s of the planted
    /// offset); covered = found, and those segments span at least 70 % of the stretch's usable
    /// samples (quality ≥ 50 in the copy: runs of flat or black material longer than `maxGap`
    /// cannot be matched and split a copy into several segments). Also the linked file pairs
    /// that are not planted (direct, derived only).
    func score(_ segments: [MatchSegment], verbose: Bool = false) -> (found: Int, covered: Int, extraDirect: Int, extraDerived: Int) {
        var found = 0, coveredCount = 0
        let byID = Dictionary(uniqueKeysWithValues: videos.map { ($0.videoID, $0) })
        var plantedPairs = Set<[Int64]>()
        for p in planted {
            plantedPairs.insert([min(p.copy, p.source), max(p.copy, p.source)])
            // The pair's direct segments on the planted line, as (copy span, source span); a run
            // of low-quality samples longer than maxGap splits a copy into several segments.
            var covered: [(Double, Double)] = []
            for s in segments where s.via == nil {
                let (c, r): ((Double, Double), (Double, Double))
                if s.queryVideoID == p.copy && s.referenceVideoID == p.source {
                    (c, r) = ((s.queryStart, s.queryEnd), (s.referenceStart, s.referenceEnd))
                } else if s.queryVideoID == p.source && s.referenceVideoID == p.copy {
                    (c, r) = ((s.referenceStart, s.referenceEnd), (s.queryStart, s.queryEnd))
                } else { continue }
                let onLine = abs((r.0 - c.0) - (p.sourceStart - p.copyStart)) <= 1.5 && abs((r.1 - c.1) - (p.sourceStart - p.copyStart)) <= 1.5
                if onLine { covered.append(c) }
            }
            let usable = byID[p.copy]!.frames.filter { f in
                f.quality >= 50 && f.timestamp >= p.copyStart - 1e-9 && f.timestamp < p.copyStart + Double(p.length) - 1e-9
            }
            let inside = usable.filter { f in covered.contains { f.timestamp >= $0.0 - 1e-9 && f.timestamp <= $0.1 + 1e-9 } }
            let hit = !covered.isEmpty
            if hit && Double(inside.count) >= 0.7 * Double(usable.count) { coveredCount += 1 }
            if hit { found += 1 } else if verbose {
                var text = "missed: copy \(p.copy) @\(p.copyStart) ← source \(p.source) @\(p.sourceStart), \(p.length) samples, mirrored \(p.mirrored);"
                for s in segments where Set([s.queryVideoID, s.referenceVideoID]) == Set([p.copy, p.source]) {
                    text += " [q \(s.queryVideoID) \(fixed(s.queryStart, 1))–\(fixed(s.queryEnd, 1)) r \(s.referenceVideoID) \(fixed(s.referenceStart, 1))–\(fixed(s.referenceEnd, 1)) \(s.transform.rawValue)]"
                }
                FileHandle.standardError.write(Data((text + "\n").utf8))
            }
        }
        var direct = Set<[Int64]>(), derived = Set<[Int64]>()
        for s in segments {
            let pair = [min(s.queryVideoID, s.referenceVideoID), max(s.queryVideoID, s.referenceVideoID)]
            guard !plantedPairs.contains(pair) else { continue }
            if s.via == nil { direct.insert(pair) } else { derived.insert(pair) }
        }
        return (found, coveredCount, direct.count, derived.subtracting(direct).count)
    }
}
