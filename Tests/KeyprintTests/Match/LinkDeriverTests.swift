import Testing
@testable import KeyprintModel
@testable import KeyprintDecode
@testable import KeyprintHash
@testable import KeyprintIndex
@testable import KeyprintMatch
@testable import KeyprintStore
@testable import KeyprintExport
@testable import KeyprintPipeline

@Suite struct LinkDeriverTests {
    func segment(_ q: Int64, _ r: Int64, q0: Double, q1: Double, r0: Double, r1: Double, slope: Double = 1,
                 score: Double = 10, distance: Double = 8, transform: MatchTransform = .none) -> MatchSegment {
        MatchSegment(queryVideoID: q, referenceVideoID: r, queryStart: q0, queryEnd: q1, referenceStart: r0, referenceEnd: r1,
                     slope: slope, matchedFrames: 12, meanDistance: distance, score: score, transform: transform)
    }

    @Test func twoCopiesOfOneStretchAreLinkedThroughIt() async throws {
        // A shows B's 4–16 s at A's 0–12 s (mirrored); C shows B's 2–18 s at C's 2–18 s
        // (cropped to the pane, and mirrored): A ↔ C over what both show of B's 4–16 s.
        let ab = segment(1, 2, q0: 0, q1: 12, r0: 4, r1: 16, score: 9, distance: 10, transform: .mirror)
        let cb = segment(3, 2, q0: 2, q1: 18, r0: 2, r1: 18, score: 14, distance: 20, transform: .mirrorCrop)
        let derived = LinkDeriver().derive(from: [ab, cb])
        #expect(derived.count == 1)
        let s = try #require(derived.first)
        #expect(s.queryVideoID == 1 && s.referenceVideoID == 3 && s.via == 2)
        #expect(abs(s.queryStart - 0) < 1e-9 && abs(s.queryEnd - 12) < 1e-9)
        #expect(abs(s.referenceStart - 4) < 1e-9 && abs(s.referenceEnd - 16) < 1e-9)
        #expect(s.matchedFrames == 0)
        #expect(s.meanDistance == 30)  // an upper bound: d(A, C) ≤ d(A, B) + d(B, C)
        #expect(s.score == 9)
        #expect(s.transform == .crop)  // mirrored twice is plain; a crop on either side stays
    }

    @Test func turnsComposeInEitherDirection() async throws {
        // A shows B turned 90° clockwise, C shows B turned 180°: A shows C turned 270°, whether
        // the A–B segment is stored from A's side (rot90) or from B's (rot270).
        let cb = segment(3, 2, q0: 0, q1: 12, r0: 0, r1: 12, transform: .rot180)
        for ab in [segment(1, 2, q0: 0, q1: 12, r0: 0, r1: 12, transform: .rot90),
                   segment(2, 1, q0: 0, q1: 12, r0: 0, r1: 12, transform: .rot270)] {
            let s = try #require(LinkDeriver().derive(from: [ab, cb]).first)
            #expect(s.queryVideoID == 1 && s.referenceVideoID == 3)
            #expect(s.transform == .rot270, "\(ab.transform): derived \(s.transform)")
        }
        // A mirrored copy of B and a copy of B turned 90°: A is C turned back 90°, then mirrored.
        let mirrored = segment(1, 2, q0: 0, q1: 12, r0: 0, r1: 12, transform: .mirror)
        let turned = segment(3, 2, q0: 0, q1: 12, r0: 0, r1: 12, transform: .rot90)
        let s = try #require(LinkDeriver().derive(from: [mirrored, turned]).first)
        #expect(s.transform.orientation == Orientation.mirror.after(Orientation.rot90.inverse))
        #expect(s.transform == .mirrorRot90)  // mirror · turn −90° = turn +90° · mirror
    }

    @Test func speedsCompose() async throws {
        // A plays B at 1.25× (B = 1.25 × A), C is B delayed by 5 s: C = 1.25 × A + 5.
        let ab = segment(1, 2, q0: 0, q1: 8, r0: 0, r1: 10, slope: 1.25)
        let bc = segment(2, 3, q0: 0, q1: 10, r0: 5, r1: 15)
        let s = try #require(LinkDeriver().derive(from: [ab, bc]).first)
        #expect(abs(s.slope - 1.25) < 1e-9)
        #expect(abs(s.queryEnd - 8) < 1e-9 && abs(s.referenceStart - 5) < 1e-9 && abs(s.referenceEnd - 15) < 1e-9)
    }

    @Test func directLinksShortOverlapsAndDerivedSegmentsGiveNothing() {
        let ab = segment(1, 2, q0: 0, q1: 12, r0: 4, r1: 16)
        let cb = segment(3, 2, q0: 2, q1: 18, r0: 2, r1: 18)
        // A and C already linked directly.
        #expect(LinkDeriver().derive(from: [ab, cb, segment(1, 3, q0: 0, q1: 12, r0: 4, r1: 16)]).isEmpty)
        // The two links share only B's 16–18 s: below the 3-s minimum.
        #expect(LinkDeriver().derive(from: [segment(1, 2, q0: 0, q1: 4, r0: 16, r1: 20), cb]).isEmpty)
        // A derived segment is never the basis of another one.
        var derived = segment(3, 4, q0: 2, q1: 18, r0: 2, r1: 18)
        derived.via = 9
        #expect(LinkDeriver().derive(from: [ab, derived]).isEmpty)
    }
}
