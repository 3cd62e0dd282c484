import Foundation
import KeyprintModel
import KeyprintIndex
import KeyprintMatch

/// `keyprint-bench match-scale --index-only N,N`: one new 300-frame video against a seed index
/// of N stored hashes, the index built straight from generated hashes: one flat array of
/// `PDQHash` (32 B each) and one of qualities, no `VideoFrames` or `FrameHash` per stored frame
/// (those cost 88 B a frame and kept ~9 GB beside a 100M-hash index). The library is made as
/// `ScaleLibrary` makes its files (real scanned pieces of 5–25 samples under a random 40 %
/// XOR mask each, files of 150–220 samples) and the query holds a planted 60-s excerpt of one
/// stored file (0–8 flipped bits per frame, hash and mirror) between fresh pieces.
///
/// The lookup is the matcher's seeded candidate search (`Matcher`, `CandidateSearch.seeded`):
/// each usable query frame's hash and mirrored hash looked up in the `SeedIndex` with the
/// matcher's default tables, every candidate verified at the full radius (31 bits). The
/// alignment step is not run (there are no per-frame objects to align against): *planted found*
/// means the verified hits on the planted line (stored entry = excerpt start + query offset,
/// ±1 sample) cover ≥ 70 % of the excerpt's usable frames; *other hits* are verified hits
/// anywhere else. `--matcher-only N,N` runs the full in-memory `Matcher` instead (alignment
/// included, with `VideoFrames`), for comparison at sizes that fit.
enum FlatIndexBenchmark {
    static func run(sizes: [Int], samples: String) throws -> String {
        let material = try ScaleLibrary.scannedPieces(directory: samples)
        var out = ["One new 300-frame video against a seed index of N stored hashes built from a flat hash array (no per-frame objects), one thread; lookup + verification at 31 bits, no alignment.", "",
                   "| stored hashes | indexed | tables | generate (s CPU) | build (s CPU) | memory of hashes + index (MB) | index B / indexed hash | peak RSS (MB) | look up one video (s CPU) | (s wall) | candidates verified | planted found | other hits |",
                   "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
        print(out.joined(separator: "\n"))
        fflush(nil)
        for size in sizes {
            let before = ScaleBenchmark.residentMB()
            var rng = SplitMix64(seed: 13 &+ UInt64(size))
            var hashes: [PDQHash] = []
            var quality: [UInt8] = []
            var sourceStart = -1
            let ((), generate) = measure {
                hashes.reserveCapacity(size)
                quality.reserveCapacity(size)
                // Files of 150–220 samples of masked pieces; the source of the planted excerpt is
                // the first file of at least 120 samples starting past the middle.
                while hashes.count < size {
                    let fileStart = hashes.count
                    let length = min(size - fileStart, Int.random(in: 150...220, using: &rng))
                    while hashes.count < fileStart + length {
                        let piece = material[Int(rng.next() % UInt64(material.count))]
                        let n = min(piece.count, Int.random(in: 5...25, using: &rng), fileStart + length - hashes.count)
                        let start = Int.random(in: 0...(piece.count - n), using: &rng)
                        let mask = ScaleLibrary.randomMask(&rng)
                        for f in piece[start..<(start + n)] {
                            hashes.append(ScaleLibrary.xor(f.hash, mask))
                            quality.append(UInt8(clamping: f.quality))
                        }
                    }
                    if sourceStart < 0 && fileStart >= size / 2 && length >= 120 { sourceStart = fileStart }
                }
            }
            precondition(sourceStart >= 0, "a library of at least a few hundred hashes")
            // The query: 120 fresh samples, the excerpt (source samples 30..<90, noisy), 120 fresh.
            var query: [(quality: Int, hash: PDQHash, mirror: PDQHash)] = []
            func fresh(_ count: Int) {
                while query.count < count {
                    for f in ScaleLibrary.piece(material, length: 5...25, &rng) where query.count < count { query.append(f) }
                }
            }
            fresh(120)
            let excerptOffset = sourceStart + 30 - 120   // stored entry = query frame + offset on the planted line
            for i in 0..<60 {
                let e = sourceStart + 30 + i
                // The stored mirror is not kept: the excerpt's mirror probe is the stored hash's
                // own mirror only in the stored material, so it gets fresh noise of its own.
                query.append((Int(quality[e]), hashes[e].flippingRandomBits(Int.random(in: 0...8, using: &rng), using: &rng),
                              ScaleLibrary.xor(hashes[e], ScaleLibrary.randomMask(&rng))))
            }
            fresh(300)
            let settings = MatchSettings()
            let minQuality = UInt8(clamping: settings.minQuality)
            let (index, build) = measure {
                SeedIndex(hashes: hashes, tableCount: settings.seedTables) { quality[$0] >= minQuality }
            }
            let memory = ScaleBenchmark.residentMB() - before
            let peak = ScaleBenchmark.peakResidentMB()
            let radius = settings.thresholdBits
            let ((verified, hits), time) = measure { () -> (Int, [(Int, Int)]) in
                var verified = 0
                var hits: [(Int, Int)] = []
                for (qf, f) in query.enumerated() where f.quality >= settings.minQuality {
                    for probe in [f.hash, f.mirror] {
                        index.forEachCandidate(of: probe) { id in
                            verified += 1
                            if hashes[Int(id)].distance(to: probe) <= radius { hits.append((qf, Int(id))) }
                        }
                    }
                }
                return (verified, hits)
            }
            let onLine = hits.filter { abs($0.1 - ($0.0 + excerptOffset)) <= 1 }
            let usable = (120..<180).filter { query[$0].quality >= settings.minQuality }
            let covered = Set(onLine.map(\.0)).intersection(usable)
            let found = Double(covered.count) >= 0.7 * Double(usable.count)
            let row = "| \(size) | \(index.indexedCount) | \(index.tableCount) | \(fixed(generate.cpu, 1)) | \(fixed(build.cpu, 1)) | \(fixed(memory, 0)) | "
                + "\(fixed(index.bytesPerIndexedHash, 1)) | \(fixed(peak, 0)) | \(fixed(time.cpu, 3)) | \(fixed(time.wall, 3)) | \(verified) | "
                + "\(found ? 1 : 0) / 1 (\(covered.count) of \(usable.count) frames) | \(hits.count - onLine.count) |"
            out.append(row)
            print(row)
            fflush(nil)
        }
        return out.joined(separator: "\n")
    }
}
