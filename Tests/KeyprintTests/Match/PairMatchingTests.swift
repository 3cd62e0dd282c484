import Foundation
import Testing
@testable import KeyprintModel
@testable import KeyprintMatch
@testable import KeyprintStore
@testable import KeyprintPipeline

/// A pair's segments do not depend on which file is the query, nor on unrelated files, and
/// never run past either file (issue 12 item 3; docs/matching.md §2.6).
@Suite struct PairMatchingTests {
    let recording = SyntheticRecording(seconds: 120, seed: 21)

    /// Every-against-every evidence over `videos`, and the segments of the pair (q, r) when
    /// `q` is passed as the query side, seen from `q`.
    static func pair(_ videos: [VideoFrames], query q: Int64, reference r: Int64) -> [MatchSegment] {
        let matcher = Matcher(references: videos)
        let byID = Dictionary(uniqueKeysWithValues: videos.map { ($0.videoID, $0) })
        let (a, b) = (byID[q]!, byID[r]!)
        return matcher.pairSegments(a, b, aEvidence: matcher.evidence(query: a), bEvidence: matcher.evidence(query: b))
            .map { $0.queryVideoID == q ? $0 : $0.swapped }
            .sorted { ($0.queryStart, $0.referenceStart) < ($1.queryStart, $1.referenceStart) }
    }

    /// The fields of a segment that must agree, at the stored precision (times to the
    /// nanosecond, speed to 1e-9, score and distance exactly).
    static func key(_ s: MatchSegment) -> String {
        func f(_ x: Double) -> String { String(format: "%.9f", x) }
        return "\(s.queryVideoID)→\(s.referenceVideoID) \(f(s.queryStart))–\(f(s.queryEnd)) ↔ \(f(s.referenceStart))–\(f(s.referenceEnd)) "
            + "speed \(f(s.slope)) frames \(s.matchedFrames) dist \(f(s.meanDistance)) score \(f(s.score)) \(s.transform)"
    }

    static func expectWithinBothFiles(_ s: MatchSegment, _ videos: [Int64: VideoFrames], sourceLocation: SourceLocation = #_sourceLocation) {
        let (q, r) = (videos[s.queryVideoID]!, videos[s.referenceVideoID]!)
        let (qEnd, rEnd) = (Matcher.sampledEnd(q), Matcher.sampledEnd(r))
        #expect(s.queryStart >= 0 && s.queryEnd <= qEnd + 1e-9 && s.queryStart <= s.queryEnd, "query span \(key(s)) of a \(qEnd)-s file",
                sourceLocation: sourceLocation)
        #expect(s.referenceStart >= 0 && s.referenceEnd <= rEnd + 1e-9, "reference span \(key(s)) of a \(rEnd)-s file",
                sourceLocation: sourceLocation)
        if let d = q.duration { #expect(s.queryEnd <= d + 1e-9, "\(key(s)): past the query's duration \(d)", sourceLocation: sourceLocation) }
        if let d = r.duration { #expect(s.referenceEnd <= d + 1e-9, "\(key(s)): past the reference's duration \(d)", sourceLocation: sourceLocation) }
        // Both spans are the same stretch of the line.
        let mapped = s.slope * (s.queryEnd - s.queryStart)
        #expect(abs(mapped - (s.referenceEnd - s.referenceStart)) <= 1e-6, "\(key(s)): spans of different lengths on its line",
                sourceLocation: sourceLocation)
    }

    @Test func aTrimmedCopyGivesTheSameSegmentsWhicheverFileIsTheQuery() {
        // A trim that starts between two samples of its original, a 1.25× copy, a mirrored
        // copy of the trim's stretch (so the trim's frames have a df of 2), an unrelated file.
        let original = VideoFrames(videoID: 1, frames: recording.frames(from: 0, duration: 40, seed: 1), duration: 40)
        let trim = VideoFrames(videoID: 2, frames: recording.frames(from: 6.5, duration: 10, seed: 2), duration: 10)
        let fast = VideoFrames(videoID: 3, frames: recording.frames(from: 3, duration: 20, speed: 1.25, seed: 3), duration: 20)
        let mirrored = VideoFrames(videoID: 4, frames: recording.frames(from: 5, duration: 15, mirrored: true, seed: 4), duration: 15)
        let other = VideoFrames(videoID: 5, frames: SyntheticRecording(seconds: 40, seed: 99).frames(from: 0, duration: 30), duration: 30)
        let videos = [original, trim, fast, mirrored, other]
        let byID = Dictionary(uniqueKeysWithValues: videos.map { ($0.videoID, $0) })
        var pairs = 0
        for a in videos {
            for b in videos where a.videoID < b.videoID {
                let one = Self.pair(videos, query: a.videoID, reference: b.videoID)
                let other = Self.pair(videos, query: b.videoID, reference: a.videoID).map(\.swapped)
                    .sorted { ($0.queryStart, $0.referenceStart) < ($1.queryStart, $1.referenceStart) }
                #expect(one.map(Self.key) == other.map(Self.key), "pair \(a.videoID)–\(b.videoID)")
                for s in one + other { Self.expectWithinBothFiles(s, byID) }
                if !one.isEmpty { pairs += 1 }
            }
        }
        // original–trim, original–fast, original–mirrored, trim–fast, trim–mirrored, fast–mirrored.
        #expect(pairs == 6)
    }

    @Test func aSpanIsCutWhereItsLineLeavesEitherFile() throws {
        // The reference starts 2.6 s into the recording: the query's first covered sample is
        // at 3 s, halfway to its uncovered neighbour is 2.5 s, where the line is at −0.1 s of
        // the reference. Both spans start where the line enters the reference (2.6 s ↔ 0).
        let query = VideoFrames(videoID: 1, frames: recording.frames(from: 0, duration: 12, seed: 1), duration: 12)
        let reference = VideoFrames(videoID: 2, frames: recording.frames(from: 2.6, duration: 30, seed: 2), duration: 30)
        let byID = [Int64(1): query, 2: reference]
        let segments = Self.pair([query, reference], query: 1, reference: 2)
        let s = try #require(segments.first)
        #expect(segments.count == 1)
        Self.expectWithinBothFiles(s, byID)
        #expect(s.queryStart >= 2.6 - 0.5 && abs(s.queryEnd - 12) < 1e-9, "\(Self.key(s))")
        // The one-direction lookup (`match(query:)`) is cut the same way.
        for t in Matcher(references: [reference]).match(query: query) { Self.expectWithinBothFiles(t, byID) }
    }

    @Test func aSegmentIsClippedAlongItsLineToBothFiles() {
        // Query 2.5–14.4 s on the line rt = 1.25 × qt − 3.5: at 2.5 s the reference would be at
        // −0.375 s, at 14.4 s at 14.5 s of a 14-s reference. Both ends move along the line:
        // query 2.8–14.0 s ↔ reference 0–14 s.
        let s = MatchSegment(queryVideoID: 1, referenceVideoID: 2, queryStart: 2.5, queryEnd: 14.4, referenceStart: 1.25 * 2.5 - 3.5,
                             referenceEnd: 1.25 * 14.4 - 3.5, slope: 1.25, matchedFrames: 9, meanDistance: 5, score: 8, transform: .none)
        let c = s.clipped(queryEnd: 14.4, referenceEnd: 14)
        #expect(abs(c.queryStart - 2.8) < 1e-9 && abs(c.referenceStart) < 1e-9, "\(Self.key(c))")
        #expect(abs(c.queryEnd - 14) < 1e-9 && abs(c.referenceEnd - 14) < 1e-9, "\(Self.key(c))")
        // Ends inside both files stay; the start still moves to where the reference begins.
        let inside = s.clipped(queryEnd: 20, referenceEnd: 20)
        #expect(abs(inside.queryStart - 2.8) < 1e-9)
        #expect(abs(inside.queryEnd - 14.4) < 1e-9 && abs(inside.referenceEnd - (1.25 * 14.4 - 3.5)) < 1e-9)
    }

    @Test func anUnrelatedThirdFileChangesNothingStored() async throws {
        let original = recording.frames(from: 0, duration: 40, seed: 1)
        let trim = recording.frames(from: 6.5, duration: 10, seed: 2)
        let unrelated = SyntheticRecording(seconds: 40, seed: 77).frames(from: 0, duration: 30)
        func stored(_ files: [[FrameHash]]) async throws -> [String] {
            let folder = try TemporaryFolder()
            defer { folder.remove() }
            let (store, scanID, ids) = try await RegionAndMatchStoreTests.storeWithFiles(folder, count: files.count)
            for (id, frames) in zip(ids, files) {
                try await store.commit(FileOutcome(fileID: id, state: .done, size: 1, mtimeNanoseconds: 1, frames: frames), scanID: scanID)
            }
            let summary = try await MatchRunner(store: store).run(MatchRequest(queryCollection: nil, referenceCollection: nil,
                                                                               settings: MatchSettings(), jobs: 2, commandLine: "k"))
            let pair = Set(ids.prefix(2))
            return summary.segments.filter { pair.contains($0.queryVideoID) && pair.contains($0.referenceVideoID) }.map(Self.key)
        }
        let alone = try await stored([original, trim])
        #expect(alone.count == 1)
        #expect(try await stored([original, trim, unrelated]) == alone)
        #expect(try await stored([original, trim, unrelated, unrelated.map { var f = $0; f.hash = f.mirrorHash; return f }]) == alone)
    }

    /// On samples/: every linked pair's segments are the same with either file as the query
    /// (the old one-direction code gave `call-b-trim 0.000–10.000 ↔ call-b 6.000–16.000` one way
    /// and `call-b 5.500–15.500 ↔ call-b-trim 0.000–9.500` the other), and within both files.
    @Test func onSamplesEveryPairIsTheSameEitherWayRoundAndWithinBothFiles() async throws {
        let folder = try TemporaryFolder("keyprint-pairs")
        defer { folder.remove() }
        let database = folder.path + "/case.sqlite"
        let scan = try KeyprintBinary.run(["scan", TestPaths.samples.path, "--db", database, "--jobs", "2", "--quiet"])
        try #require(scan.status == 0 || scan.status == 1, "\(scan.stderr)")
        let store = try SQLiteCaseStore(path: database, create: false)
        let videos = try await store.videoFrames(collection: nil)
        let files = Dictionary(uniqueKeysWithValues: try await store.files(collection: nil).map { ($0.id, $0.relativePath) })
        let byID = Dictionary(uniqueKeysWithValues: videos.map { ($0.videoID, $0) })
        let matcher = Matcher(references: videos)
        let evidence = Dictionary(uniqueKeysWithValues: videos.map { ($0.videoID, matcher.evidence(query: $0)) })
        var linked = 0
        for a in videos {
            for b in videos where a.videoID < b.videoID {
                let one = matcher.pairSegments(a, b, aEvidence: evidence[a.videoID], bEvidence: evidence[b.videoID])
                let other = matcher.pairSegments(b, a, aEvidence: evidence[b.videoID], bEvidence: evidence[a.videoID])
                #expect(one.map(Self.key) == other.map(Self.key), "\(files[a.videoID]!) ↔ \(files[b.videoID]!)")
                for s in one { Self.expectWithinBothFiles(s, byID) }
                if !one.isEmpty { linked += 1 }
            }
        }
        #expect(linked >= 28, "direct links on samples/: \(linked)")
        // What `keyprint match` stores: within both files too, one direction per pair.
        let summary = try await MatchRunner(store: store).run(MatchRequest(queryCollection: nil, referenceCollection: nil,
                                                                           settings: MatchSettings(), jobs: 2, commandLine: "k"))
        for s in summary.segments { Self.expectWithinBothFiles(s, byID) }
        let directions = Set(summary.segments.map { [$0.queryVideoID, $0.referenceVideoID] })
        #expect(directions.allSatisfy { !directions.contains([$0[1], $0[0]]) })
    }
}
