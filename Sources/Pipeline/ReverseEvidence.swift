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
/// within the query collection builds none) and shared by every lookup of the run; each
/// reference's evidence is kept once computed (in a divided run one reference can partner
/// several of a worker's queries).
final class ReverseEvidence: @unchecked Sendable {
    private let queries: [VideoFrames]
    private let settings: MatchSettings
    private let lock = NSLock()
    private var matcher: Matcher?
    private var found: [Int64: QueryEvidence] = [:]

    init(queries: [VideoFrames], settings: MatchSettings) {
        self.queries = queries
        self.settings = settings
    }

    /// `reference`'s evidence against the queries.
    func evidence(of reference: VideoFrames) -> QueryEvidence {
        let (built, kept): (Matcher, QueryEvidence?) = lock.withLock {
            if let kept = found[reference.videoID], let matcher { return (matcher, kept) }
            let made = matcher ?? Matcher(references: queries, settings: settings)
            matcher = made
            return (made, nil)
        }
        if let kept { return kept }
        let computed = built.evidence(query: reference)
        lock.withLock { found[reference.videoID] = computed }
        return computed
    }
}
