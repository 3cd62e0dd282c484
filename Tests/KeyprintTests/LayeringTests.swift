import Foundation
import Testing

/// The stage graph of Package.swift, checked on the sources: a C or database library is imported
/// only by the one stage that wraps it, and a stage imports only stages before it.
@Suite struct LayeringTests {
    /// Stage folder → the Keyprint modules it may import.
    static let allowed: [String: Set<String>] = [
        "Model": [],
        "Decode": ["KeyprintModel"],
        "Hash": ["KeyprintModel"],
        "Index": ["KeyprintModel"],
        "Match": ["KeyprintModel", "KeyprintIndex"],
        "Store": ["KeyprintModel"],
        "StorePostgres": ["KeyprintModel", "KeyprintStore"],
        "Export": ["KeyprintModel", "KeyprintStore"],
        "Import": ["KeyprintModel"],
        "Pipeline": ["KeyprintModel", "KeyprintDecode", "KeyprintHash", "KeyprintIndex", "KeyprintMatch", "KeyprintStore",
                     "KeyprintStorePostgres", "KeyprintExport", "KeyprintImport"],
    ]

    /// Every `import X` of every Swift file under `folder`, with the file.
    static func imports(under folder: URL) throws -> [(file: String, module: String)] {
        var out: [(String, String)] = []
        let enumerator = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil)
        while let url = enumerator?.nextObject() as? URL {
            guard url.pathExtension == "swift" else { continue }
            for line in try String(contentsOf: url, encoding: .utf8).split(separator: "\n") {
                let words = line.split(separator: " ")
                if let i = words.firstIndex(of: "import"), i + 1 < words.count, words[..<i].allSatisfy({ $0.hasPrefix("@") }) {
                    out.append((url.path, String(words[i + 1])))
                }
            }
        }
        return out
    }

    @Test func ffmpegOnlyInDecodeAndGRDBOnlyInStore() async throws {
        let all = try Self.imports(under: TestPaths.packageRoot.appendingPathComponent("Sources"))
            + Self.imports(under: TestPaths.packageRoot.appendingPathComponent("Tests"))
        #expect(!all.isEmpty)
        for (file, module) in all where module == "CFFmpeg" { #expect(file.contains("/Sources/Decode/"), "\(file) imports CFFmpeg") }
        for (file, module) in all where module == "GRDB" { #expect(file.contains("/Sources/Store/"), "\(file) imports GRDB") }
        for (file, module) in all where module == "PostgresNIO" {
            #expect(file.contains("/Sources/StorePostgres/"), "\(file) imports PostgresNIO")
        }
    }

    @Test(arguments: allowed.keys.sorted())
    func aStageImportsOnlyTheStagesBeforeIt(stage: String) async throws {
        let imports = try Self.imports(under: TestPaths.packageRoot.appendingPathComponent("Sources/\(stage)"))
        #expect(!imports.isEmpty || stage == "Model")
        for (file, module) in imports where module.hasPrefix("Keyprint") {
            #expect(Self.allowed[stage]!.contains(module), "\(file) imports \(module)")
        }
    }
}
