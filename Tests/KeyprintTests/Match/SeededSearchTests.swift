import Testing
@testable import KeyprintModel
@testable import KeyprintIndex
@testable import KeyprintMatch

/// `MatchSettings.CandidateSearch.seeded` against the exhaustive search it replaces at scale.
@Suite struct SeededSearchTests {
    let a = SyntheticRecording(seconds: 300, seed: 1)

    static func settings(_ search: MatchSettings.CandidateSearch) -> MatchSettings {
        var s = MatchSettings()
        s.candidateSearch = search
        return s
    }

    /// A small library: copies (offset, sped up, mirrored, an excerpt in a compilation), a
    /// shared opening screen, a 4-s intro over many files, unrelated videos.
    func library() -> [VideoFrames] {
        let opening = SyntheticRecording(seconds: 6, seed: 4545, bitsPerStep: 0)
        let intro = SyntheticRecording(seconds: 4, seed: 4444)
        var videos: [VideoFrames] = [
            VideoFrames(videoID: 1, frames: a.frames(from: 0, duration: 100, seed: 1)),
            VideoFrames(videoID: 2, frames: concatenate([SyntheticRecording(seconds: 10, seed: 99).frames(from: 0, duration: 10),
                                                          a.frames(from: 40, duration: 30, seed: 3)])),
            VideoFrames(videoID: 3, frames: a.frames(from: 10, duration: 40, speed: 1.25, noise: 10, seed: 4)),
            VideoFrames(videoID: 4, frames: a.frames(from: 0, duration: 60, mirrored: true, seed: 5)),
            VideoFrames(videoID: 5, frames: concatenate([opening.frames(from: 0, duration: 6, seed: 6),
                                                          SyntheticRecording(seconds: 30, seed: 77).frames(from: 0, duration: 30),
                                                          a.frames(from: 120, duration: 20, seed: 7)])),
        ]
        for id in 6...40 {
            var parts = [SyntheticRecording(seconds: 40, seed: 700 + UInt64(id)).frames(from: 0, duration: 40)]
            if id % 2 == 0 { parts.insert(intro.frames(from: 0, duration: 4, seed: UInt64(id)), at: 0) }
            if id % 3 == 0 { parts.insert(opening.frames(from: 0, duration: 6, seed: UInt64(id)), at: 0) }
            videos.append(VideoFrames(videoID: Int64(id), frames: concatenate(parts)))
        }
        return videos
    }

    @Test func seededEqualsExhaustiveWhereEveryMatchingPairHasASeed() {
        let videos = library()
        let exhaustive = Matcher(references: videos, settings: Self.settings(.exhaustive))
        let seeded = Matcher(references: videos, settings: Self.settings(.seeded))
        #expect(exhaustive.search == .exhaustive && seeded.search == .seeded)
        var linked = 0
        for q in videos {
            let e = exhaustive.match(query: q), s = seeded.match(query: q)
            #expect(e == s, "query \(q.videoID)")
            linked += e.count
        }
        #expect(linked >= 10)   // the copies link (both directions)
    }

    @Test func crowdedFramesCountTowardDocumentFrequencyWithoutAFullComparison() {
        // A 4-s intro over 60 files (more than crowdedSeedReferences), one true copy pair
        // among them: the intro's frames are common either way, the copy links either way.
        let intro = SyntheticRecording(seconds: 4, seed: 4444)
        var videos = (1...60).map { id in
            VideoFrames(videoID: Int64(id), frames: concatenate([intro.frames(from: 0, duration: 4, seed: UInt64(id)),
                                                                 SyntheticRecording(seconds: 30, seed: 900 + UInt64(id)).frames(from: 0, duration: 30)]))
        }
        videos.append(VideoFrames(videoID: 61, frames: concatenate([intro.frames(from: 0, duration: 4, seed: 61), a.frames(from: 0, duration: 30, seed: 9)])))
        videos.append(VideoFrames(videoID: 62, frames: concatenate([intro.frames(from: 0, duration: 4, seed: 62), a.frames(from: 0, duration: 30, seed: 8)])))
        let exhaustive = Matcher(references: videos, settings: Self.settings(.exhaustive))
        let seeded = Matcher(references: videos, settings: Self.settings(.seeded))
        for q in [videos[0], videos[30], videos[60], videos[61]] {
            #expect(exhaustive.match(query: q) == seeded.match(query: q), "query \(q.videoID)")
        }
        #expect(seeded.match(query: videos[60]).map(\.referenceVideoID) == [62])
        #expect(seeded.match(query: videos[0]).isEmpty)
    }

    @Test func aPairWhoseFramesDifferInEveryChunkIsNotSeen() {
        // The documented limit: every frame of the copy 18 bits from the original, two bits in
        // each of the 9 chunks, so no chunk agrees and no seed is found. Exhaustive search
        // (radius 31) links them; seeded does not.
        var rng = SplitMix64(seed: 5)
        // Content that changes completely between samples, so no other frame pair agrees either.
        let original = SyntheticRecording(seconds: 30, seed: 2, bitsPerStep: 40).frames(from: 0, duration: 30, noise: 0)
        let copy = original.map { f -> FrameHash in
            var bits: [Int] = []
            for chunk in SeedIndex.chunkRanges(tableCount: SeedIndex.defaultTableCount(entries: 60)) {
                var offsets = Array(chunk)
                offsets.shuffle(using: &rng)
                bits += offsets.prefix(2)
            }
            var g = f
            g.hash = f.hash.flipping(bits: bits)
            g.mirrorHash = SyntheticRecording.mirror(g.hash)
            return g
        }
        let videos = [VideoFrames(videoID: 1, frames: original), VideoFrames(videoID: 2, frames: copy)]
        #expect(!Matcher(references: videos, settings: Self.settings(.exhaustive)).match(query: videos[1]).isEmpty)
        #expect(Matcher(references: videos, settings: Self.settings(.seeded)).match(query: videos[1]).isEmpty)
    }

    @Test(arguments: [MatchSettings.CandidateSearch.exhaustive, .seeded])
    func touchesAgreesWithTheReferencesAQueryDependsOn(search: MatchSettings.CandidateSearch) {
        // Incremental matching's test (a small index over some references) against the full
        // lookup's record of what each query depends on.
        let videos = library()
        let matcher = Matcher(references: videos, settings: Self.settings(search))
        let sets: [Set<Int64>] = [[1], [2, 3], [4, 5, 6], Set((6...40).map(Int64.init)), [40], []]
        var hits = 0
        for videoIDs in sets {
            let touches = matcher.touches(queries: videos, videoIDs: videoIDs)
            for (q, t) in zip(videos, touches) {
                let depends = !Set(matcher.matchTracingReferences(query: q).touched).isDisjoint(with: videoIDs)
                #expect(t == depends, "query \(q.videoID), references \(videoIDs.sorted())")
                hits += t ? 1 : 0
            }
        }
        #expect(hits >= 10)
    }

    @Test func automaticIsExhaustiveUpToTheLimitAndSeededBeyond() {
        let videos = library()
        var settings = MatchSettings()
        #expect(settings.candidateSearch == .automatic)
        #expect(Matcher(references: videos, settings: settings).search == .exhaustive)
        settings.exhaustiveSearchLimit = 100
        let small = Matcher(references: videos, settings: settings)
        #expect(small.search == .seeded)
    }
}
