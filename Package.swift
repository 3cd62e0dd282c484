// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "Keyprint",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "keyprint", targets: ["keyprint"]),
        .executable(name: "keyprint-bench", targets: ["KeyprintBench"]),
        .library(name: "KeyprintCore", targets: ["KeyprintCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: [
        // FFmpeg's C libraries, found through pkg-config. Only the Decode layer imports this.
        .systemLibrary(
            name: "CFFmpeg",
            pkgConfig: "libavformat libavcodec libswscale libavutil",
            providers: [.apt(["libavformat-dev", "libavcodec-dev", "libswscale-dev", "libavutil-dev", "pkg-config"])]
        ),
        .target(
            name: "KeyprintCore",
            dependencies: [
                "CFFmpeg",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            // Optimised in debug builds too: the test suite hashes thousands of real frames,
            // which unoptimised Swift makes ~20× slower.
            swiftSettings: [.unsafeFlags(["-O"], .when(configuration: .debug))]
        ),
        .executableTarget(
            name: "keyprint",
            dependencies: [
                "KeyprintCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Index and matching benchmarks (scripts/bench-index); prints tables, asserts nothing.
        .executableTarget(
            name: "KeyprintBench",
            dependencies: ["KeyprintCore"],
            swiftSettings: [.unsafeFlags(["-Ounchecked"], .when(configuration: .release))]
        ),
        // GRDB only to build a database at an older schema version (migration tests).
        .testTarget(
            name: "KeyprintCoreTests",
            dependencies: ["KeyprintCore", .product(name: "GRDB", package: "GRDB.swift")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
