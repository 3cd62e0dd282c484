import Foundation
import KeyprintModel
import KeyprintIndex
import KeyprintMatch
import KeyprintStore

extension MatchRunner {
    /// The first steps of a match run of every file against every other, and nothing else:
    /// load the done files' hashes (from the persistent index file where there is one and
    /// `persistentIndex` is on) and build the matcher over them (taking the kept seed tables
    /// where they fit), writing the file when it is stale. For benchmarks of what a run costs
    /// before it matches (`keyprint-bench match-scale --persistent`).
    public func prepare(settings: MatchSettings, persistentIndex: Bool) async throws -> (frames: Int, indexedHashes: Int, report: PersistentIndexReport?) {
        let allFiles = try await store.files(collection: nil)
        var inputs = try await MatchInputs.load(store: store, allFiles: allFiles, enabled: persistentIndex)
        let references = try await inputs.videoFrames(collection: nil)
        let matcher = Matcher(references: references, settings: settings, prebuiltSeeds: inputs.seeds)
        inputs.keep(matcher)
        return (references.reduce(0) { $0 + $1.frames.count }, matcher.indexedHashCount, inputs.report)
    }
}
