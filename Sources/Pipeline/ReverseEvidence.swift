import Foundation
import KeyprintModel
import KeyprintMatch

/// The evidence of a file that was a reference and not a query (`--query` and `--reference` on
/// two collections): the file looked up against a matcher over the queries, with the run's
/// settings. A pair of the two collections is then aligned from both files' evidence in its
/// canonical orientation (`Matcher.pairSegments`), as a pair of two queries is, and its df
/// weights on the reference side count the query files that share the frame: swapping the
/// two collections gives the same segments.
///
/// The matcher over the queries is built on the first lookup only (a run whose pairs all lie
/// within the query collection builds none) and shared by every lookup of the run.
final class ReverseEvidence: @unchecked Sendable {
    private let queries: [VideoFrames]
    private let settings: MatchSettings
    private let lock = NSLock()
    private var matcher: Matcher?

    init(queries: [VideoFrames], settings: MatchSettings) {
        self.queries = queries
        self.settings = settings
    }

    /// `reference`'s evidence against the queries.
    func evidence(of reference: VideoFrames) -> QueryEvidence {
        let built: Matcher = lock.withLock {
            if let matcher { return matcher }
            let made = Matcher(references: queries, settings: settings)
            matcher = made
            return made
        }
        return built.evidence(query: reference)
    }
}
