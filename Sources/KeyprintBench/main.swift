import Foundation
import KeyprintModel
import KeyprintHash
import KeyprintIndex
import KeyprintMatch
import KeyprintStore
import KeyprintExport
import KeyprintPipeline

// keyprint-bench [index|match|all] [--sizes 10000,100000,1000000] [--queries 1000] [--verbose]
// Prints Markdown tables on stdout. No thresholds: the figures go into BENCHMARKS.md.
var mode = "all"
var sizes = [10_000, 100_000, 1_000_000]
var queries = 1_000
var verbose = false
var samplesDir = "samples"
var every = 1.0
var dumpPath: String?
var perShot = true
// match-scale / match-db
var scaleFiles = [1_000, 5_000]
var distributions = ["uniform", "clustered"]
var searches: [MatchSettings.CandidateSearch] = [.exhaustive, .seeded]
var maxExhaustiveFiles = 1_000
var workDirectory = "/tmp/keyprint-scale"
var indexOnly: [Int] = []
var matcherOnly: [Int] = []
var matchDBPath = ""
var loadOnly = false
var incrementalAdded: [Int] = []
var reuse = true
var persistentMode = false
var persistentIndexFile = true
var arguments = CommandLine.arguments.dropFirst()
while let a = arguments.popFirst() {
    switch a {
    case "index", "match", "all", "hash": mode = a
    case "samples": mode = a; samplesDir = arguments.popFirst() ?? "samples"
    case "--every": every = Double(arguments.popFirst() ?? "") ?? every
    case "--sizes": sizes = (arguments.popFirst() ?? "").split(separator: ",").compactMap { Int($0) }
    case "--queries": queries = Int(arguments.popFirst() ?? "") ?? queries
    case "--verbose": verbose = true
    case "--dump": dumpPath = arguments.popFirst()
    case "--single-region": perShot = false
    case "match-scale": mode = a
    case "compare-search", "load-db": mode = a; matchDBPath = arguments.popFirst() ?? ""
    case "--load": loadOnly = true
    case "--full": reuse = false
    case "--persistent": persistentMode = true
    case "--no-index-file": persistentIndexFile = false
    case "prepare-db": mode = a; matchDBPath = arguments.popFirst() ?? ""
    case "--incremental": incrementalAdded = (arguments.popFirst() ?? "").split(separator: ",").compactMap { Int($0) }
    case "match-db":
        mode = a
        matchDBPath = arguments.popFirst() ?? ""
        searches = [MatchSettings.CandidateSearch(rawValue: arguments.popFirst() ?? "") ?? .seeded]
    case "--files": scaleFiles = (arguments.popFirst() ?? "").split(separator: ",").compactMap { Int($0) }
    case "--distribution": distributions = (arguments.popFirst() ?? "").split(separator: ",").map(String.init)
    case "--search": searches = (arguments.popFirst() ?? "").split(separator: ",").compactMap { MatchSettings.CandidateSearch(rawValue: String($0)) }
    case "--max-exhaustive-files": maxExhaustiveFiles = Int(arguments.popFirst() ?? "") ?? maxExhaustiveFiles
    case "--work": workDirectory = arguments.popFirst() ?? workDirectory
    case "--samples": samplesDir = arguments.popFirst() ?? samplesDir
    case "--index-only": indexOnly = (arguments.popFirst() ?? "").split(separator: ",").compactMap { Int($0) }
    case "--matcher-only": matcherOnly = (arguments.popFirst() ?? "").split(separator: ",").compactMap { Int($0) }
    default:
        print("usage: keyprint-bench [index|match|all|hash] [--sizes N,N,…] [--queries N] [--verbose] | keyprint-bench samples DIR [--every S] [--dump FILE] [--single-region]"
              + " | keyprint-bench match-scale [--files N,N] [--distribution uniform,clustered] [--search exhaustive,seeded] [--max-exhaustive-files N] [--index-only N,N] [--matcher-only N,N] [--incremental K,K] [--persistent] [--samples DIR] [--work DIR]")
        exit(2)
    }
}

if mode == "index" || mode == "all" {
    print("Index: \(queries) queries at radius 31, half re-encoded copies of stored hashes (4…24 bits away), half unrelated.\n")
    print(IndexBenchmark.run(sizes: sizes, queryCount: queries, radius: 31))
    print()
}
if mode == "match" || mode == "all" {
    let stored = sizes.max() ?? 1_000_000
    print("Match: one hour of query video (3,600 frames, 12 planted 45-s excerpts: 2 at 1.25×, 2 mirrored) against \(stored) stored video-like frames.\n")
    print(MatchBenchmark.run(storedFrames: stored, queryFrames: 3_600, bruteSample: 200, verbose: verbose))
    print()
}
if mode == "hash" {   // scripts/bench-hash; not part of "all" (scripts/bench-index)
    print("PDQ hash of one luma plane (values 0…255), per frame on one core.\n")
    print(HashBenchmark.run())
    print()
}
if mode == "samples" {
    do {
        print(try SamplesExperiment.run(directory: samplesDir, every: every, dumpPath: dumpPath, perShot: perShot))
    } catch {
        print("samples: \(error)")
        exit(1)
    }
}
if mode == "match-db" {   // the child of match-scale
    do {
        try await ScaleBenchmark.matchDatabase(path: matchDBPath, search: searches[0], reuse: reuse, persistentIndex: persistentIndexFile)
    } catch {
        print("match-db: \(error)")
        exit(1)
    }
}
if mode == "match-scale" {
    do {
        if persistentMode {
            _ = try await PersistentIndexBenchmark.run(files: scaleFiles, distributions: distributions, samples: samplesDir, workDirectory: workDirectory)
            if !incrementalAdded.isEmpty {
                print()
                _ = try await PersistentIndexBenchmark.incremental(files: scaleFiles, added: incrementalAdded, distributions: distributions,
                                                                   samples: samplesDir, workDirectory: workDirectory)
            }
            scaleFiles = []
            incrementalAdded = []
        }
        if !scaleFiles.isEmpty {
            _ = try await ScaleBenchmark.run(files: scaleFiles, distributions: distributions, searches: searches,
                                             maxExhaustiveFiles: maxExhaustiveFiles, samples: samplesDir, workDirectory: workDirectory,
                                             loadOnly: loadOnly)
        }
        if !incrementalAdded.isEmpty {
            print()
            _ = try await ScaleBenchmark.incremental(files: scaleFiles, added: incrementalAdded, distributions: distributions,
                                                     samples: samplesDir, workDirectory: workDirectory)
        }
        if !matcherOnly.isEmpty {
            print()
            _ = try ScaleBenchmark.indexOnly(sizes: matcherOnly, searches: searches, samples: samplesDir)
        }
        if !indexOnly.isEmpty {
            print()
            _ = try FlatIndexBenchmark.run(sizes: indexOnly, samples: samplesDir)
        }
    } catch {
        print("match-scale: \(error)")
        exit(1)
    }
}
if mode == "compare-search" {
    do { print(try await ScaleBenchmark.compareSearch(path: matchDBPath)) } catch { print("compare-search: \(error)"); exit(1) }
}
if mode == "prepare-db" {   // the child of match-scale --persistent
    do { try await PersistentIndexBenchmark.prepareDatabase(path: matchDBPath, persistent: persistentIndexFile) } catch { print("prepare-db: \(error)"); exit(1) }
}
if mode == "load-db" {
    do { try await ScaleBenchmark.loadDatabase(path: matchDBPath) } catch { print("load-db: \(error)"); exit(1) }
}
