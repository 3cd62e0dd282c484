// swift-tools-version:6.1
import PackageDescription

// The targets are the pipeline's stages; each may import only the stages before it:
//
//   KeyprintModel ← KeyprintDecode (+ CFFmpeg)
//                 ← KeyprintHash
//                 ← KeyprintIndex ← KeyprintMatch
//                 ← KeyprintStore (+ GRDB)  ← KeyprintExport
//                                           ← KeyprintStorePostgres (+ PostgresNIO)
//                 ← KeyprintImport
//   KeyprintPipeline (all of the above + swift-crypto; the store factory) ← keyprint (+ ArgumentParser)
//                                                                        ← KeyprintBench, KeyprintFuzz
//
// CFFmpeg is reachable only through KeyprintDecode, GRDB only through KeyprintStore, PostgresNIO
// only through KeyprintStorePostgres.

// Optimised in debug builds too: the test suite hashes thousands of real frames, which
// unoptimised Swift makes ~20× slower.
let optimisedInDebug: [SwiftSetting] = [.unsafeFlags(["-O"], .when(configuration: .debug))]

let package = Package(
    name: "Keyprint",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "keyprint", targets: ["keyprint"]),
        .executable(name: "keyprint-bench", targets: ["KeyprintBench"]),
        .executable(name: "keyprint-fuzz", targets: ["KeyprintFuzz"]),
        .library(name: "KeyprintPipeline", targets: ["KeyprintPipeline"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        // FFmpeg's C libraries, found through pkg-config. Only KeyprintDecode imports this.
        .systemLibrary(
            name: "CFFmpeg",
            pkgConfig: "libavformat libavcodec libswscale libavutil",
            providers: [.apt(["libavformat-dev", "libavcodec-dev", "libswscale-dev", "libavutil-dev", "pkg-config"])]
        ),
        // Value types every stage shares: hashes, frames, rectangles, shots, sampling, media
        // facts, segments, scan settings.
        .target(name: "KeyprintModel", path: "Sources/Model", swiftSettings: optimisedInDebug),
        // FFmpeg: open, demux, decode, sample, luma planes.
        .target(name: "KeyprintDecode", dependencies: ["KeyprintModel", "CFFmpeg"], path: "Sources/Decode",
                swiftSettings: optimisedInDebug),
        // PDQ and region hashing of luma planes.
        .target(name: "KeyprintHash", dependencies: ["KeyprintModel"], path: "Sources/Hash", swiftSettings: optimisedInDebug),
        // Hamming-distance search over PDQ hashes.
        .target(name: "KeyprintIndex", dependencies: ["KeyprintModel"], path: "Sources/Index", swiftSettings: optimisedInDebug),
        // Frame matches aligned into time segments.
        .target(name: "KeyprintMatch", dependencies: ["KeyprintModel", "KeyprintIndex"], path: "Sources/Match",
                swiftSettings: optimisedInDebug),
        // The case database: the CaseStore contract and its SQLite backend.
        .target(name: "KeyprintStore", dependencies: ["KeyprintModel", .product(name: "GRDB", package: "GRDB.swift")],
                path: "Sources/Store", swiftSettings: optimisedInDebug),
        // The PostgreSQL backend of the CaseStore contract (a case catalog shared by many machines).
        .target(name: "KeyprintStorePostgres",
                dependencies: ["KeyprintModel", "KeyprintStore", .product(name: "PostgresNIO", package: "postgres-nio")],
                path: "Sources/StorePostgres", swiftSettings: optimisedInDebug),
        // Parsers of hash files and hash sets others share (vPDQ, VICS JSON, CSV): no store, no I/O
        // beyond the bytes they are given.
        .target(name: "KeyprintImport", dependencies: ["KeyprintModel"], path: "Sources/Import", swiftSettings: optimisedInDebug),
        // Timeline and frame exports, status documents.
        .target(name: "KeyprintExport", dependencies: ["KeyprintModel", "KeyprintStore"], path: "Sources/Export",
                swiftSettings: optimisedInDebug),
        // Orchestration: walking evidence, custody hashes, scanning files, running matches.
        .target(
            name: "KeyprintPipeline",
            dependencies: ["KeyprintModel", "KeyprintDecode", "KeyprintHash", "KeyprintIndex", "KeyprintMatch", "KeyprintStore",
                           "KeyprintStorePostgres", "KeyprintExport", "KeyprintImport", .product(name: "Crypto", package: "swift-crypto")],
            path: "Sources/Pipeline", swiftSettings: optimisedInDebug
        ),
        // The thin command-line tool.
        .executableTarget(
            name: "keyprint",
            dependencies: ["KeyprintPipeline", "KeyprintExport", "KeyprintStore", "KeyprintMatch", "KeyprintDecode", "KeyprintModel",
                           "KeyprintImport", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        // Index and matching benchmarks (scripts/bench-index); prints tables, asserts nothing.
        .executableTarget(
            name: "KeyprintBench",
            dependencies: ["KeyprintPipeline"],
            swiftSettings: [.unsafeFlags(["-Ounchecked"], .when(configuration: .release))]
        ),
        // libFuzzer's LLVMFuzzerRunDriver, declared only (header, no library): KeyprintFuzz
        // calls it in the fuzz build, where -sanitize=fuzzer links libFuzzer.
        .systemLibrary(name: "CLibFuzzer", path: "Sources/CLibFuzzer"),
        // The fuzz harness over FileProcessor.process (scripts/fuzz builds it with libFuzzer:
        // -sanitize=fuzzer -DKEYPRINT_FUZZ in .build-fuzz); the normal build is a replayer of
        // saved inputs through the same checks.
        .executableTarget(
            name: "KeyprintFuzz",
            dependencies: ["KeyprintPipeline", "KeyprintStore", "KeyprintModel", "CLibFuzzer"],
            swiftSettings: optimisedInDebug
        ),
        .testTarget(
            name: "KeyprintTests",
            dependencies: ["KeyprintModel", "KeyprintDecode", "KeyprintHash", "KeyprintIndex", "KeyprintMatch", "KeyprintStore",
                           "KeyprintStorePostgres", "KeyprintExport", "KeyprintImport", "KeyprintPipeline"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
