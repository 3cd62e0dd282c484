import KeyprintModel
import KeyprintHash
import KeyprintIndex
import KeyprintMatch
import KeyprintStore
import KeyprintExport
import KeyprintPipeline

/// Multi-index hashing against a brute-force popcount scan over the same stored hashes and
/// the same queries; checks that both return the same neighbours.
enum IndexBenchmark {
    static func run(sizes: [Int], queryCount: Int, radius: Int) -> String {
        var lines = [
            "| stored | data | build MIH (s CPU) | MIH µs/query (CPU) | brute µs/query (CPU) | speedup (CPU) | MIH µs/query (wall) | brute µs/query (wall) | candidates/query | neighbours/query | same results |",
            "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
        ]
        for size in sizes {
            for videoLike in [false, true] {
                var rng = SplitMix64(seed: 0xBE7C + UInt64(size) + (videoLike ? 1 : 0))
                let stored: [PDQHash]
                var queries: [PDQHash] = []
                if videoLike {
                    stored = SyntheticCorpus.videos(totalFrames: size, seed: UInt64(size)).flatMap { $0.frames.map(\.hash) }
                    let fresh = SyntheticCorpus.videos(totalFrames: queryCount / 2, framesPerVideo: 100, seed: UInt64(size) + 7)
                    queries += fresh.flatMap { $0.frames.map(\.hash) }
                } else {
                    stored = SyntheticCorpus.uniform(count: size, seed: UInt64(size))
                    queries += SyntheticCorpus.uniform(count: queryCount / 2, seed: UInt64(size) + 7)
                }
                // The other half: re-encoded copies of stored frames (4…24 bits away).
                while queries.count < queryCount {
                    let s = stored[Int.random(in: 0..<stored.count, using: &rng)]
                    queries.append(s.flippingRandomBits(Int.random(in: 4...24, using: &rng), using: &rng))
                }
                let (index, buildTime) = measure { HammingIndex(hashes: stored) }
                let brute = BruteForceIndex(hashes: stored)
                var fastResults: [[HammingNeighbor]] = []
                let (_, fastTime) = measure {
                    for q in queries { fastResults.append(index.neighbors(of: q, radius: radius)) }
                }
                var bruteResults: [[HammingNeighbor]] = []
                let (_, bruteTime) = measure {
                    for q in queries { bruteResults.append(brute.neighbors(of: q, radius: radius)) }
                }
                let candidates = queries.reduce(0) { $0 + index.candidateCount(of: $1, radius: radius) }
                let neighbours = fastResults.reduce(0) { $0 + $1.count }
                let perQuery = { (t: Double) in t / Double(queries.count) * 1e6 }
                lines.append("| \(size) | \(videoLike ? "video-like" : "uniform") | \(fixed(buildTime.cpu, 3)) | "
                    + "\(fixed(perQuery(fastTime.cpu), 1)) | \(fixed(perQuery(bruteTime.cpu), 1)) | \(fixed(bruteTime.cpu / fastTime.cpu, 1))× | "
                    + "\(fixed(perQuery(fastTime.wall), 1)) | \(fixed(perQuery(bruteTime.wall), 1)) | "
                    + "\(candidates / queries.count) | \(fixed(Double(neighbours) / Double(queries.count), 1)) | "
                    + "\(fastResults == bruteResults ? "yes" : "NO") |")
            }
        }
        return lines.joined(separator: "\n")
    }
}
