import Foundation
import Testing
@testable import KeyprintModel
@testable import KeyprintStore
@testable import KeyprintExport
@testable import KeyprintPipeline

/// Grouping stored segments into linked pairs (timeline and report) and picking a segment's
/// frame pairs (report), on synthetic segments and hashes.
@Suite struct LinkedPairsTests {
    static func segment(_ q: Int64, _ r: Int64, _ qs: Double, _ qe: Double, _ rs: Double, _ re: Double,
                        score: Double, slope: Double = 1) -> MatchSegment {
        MatchSegment(queryVideoID: q, referenceVideoID: r, queryStart: qs, queryEnd: qe, referenceStart: rs, referenceEnd: re,
                     slope: slope, matchedFrames: 5, meanDistance: 4, score: score, transform: .none)
    }

    @Test func onePairOneDirectionStrongestFirst() {
        // Pair 1–2 stored both ways (two runs); pair 3–4 once.
        let segments = [
            Self.segment(1, 2, 0, 10, 6, 16, score: 5),
            Self.segment(2, 1, 20, 30, 10, 20, score: 9),
            Self.segment(3, 4, 0, 8, 0, 10, score: 7, slope: 1.25),
        ]
        let pairs = LinkedPairs.pairs(segments)
        #expect(pairs.map { [$0.query, $0.reference] } == [[2, 1], [3, 4]])
        let first = pairs[0].segments.map(\.segment)
        // Every segment of the pair in the strongest one's direction; the other one turned round.
        #expect(first.allSatisfy { $0.queryVideoID == 2 && $0.referenceVideoID == 1 })
        #expect(first[1].queryStart == 6 && first[1].queryEnd == 16 && first[1].referenceStart == 0 && first[1].referenceEnd == 10)
        #expect(pairs[0].segments.map(\.source) == [1, 0])
        let turned = LinkedPairs.turned(segments[2])
        #expect(turned.slope == 0.8 && turned.queryStart == 0 && turned.queryEnd == 10 && turned.referenceEnd == 8)
        #expect(LinkedPairs.turned(turned) == segments[2])
    }

    @Test func spreadTakesTheEndsAndEvenPointsBetween() {
        #expect(FramePairPicker.spread(16, count: 5) == [0, 4, 8, 11, 15])
        #expect(FramePairPicker.spread(3, count: 5) == [0, 1, 2])
        #expect(FramePairPicker.spread(0, count: 5) == [])
        #expect(FramePairPicker.spread(9, count: 1) == [0])
    }

    static func frame(_ i: Int, _ t: Double, _ hash: PDQHash, mirror: PDQHash? = nil, quality: Int = 90) -> FrameHash {
        FrameHash(index: i, timestamp: t, quality: quality, hash: hash, mirrorHash: mirror ?? hash)
    }

    static func hash(seed: UInt64) -> PDQHash {
        var g = SplitMix64(seed: seed)
        return PDQHash(w0: g.next(), w1: g.next(), w2: g.next(), w3: g.next())
    }

    static func file(_ id: Int64) -> StoredFile {
        StoredFile(id: id, collection: "c", root: "/e", relativePath: "\(id).mp4", state: .done, error: nil, size: nil, mtimeNanoseconds: nil,
                   digests: nil, hashedAt: nil, hashingKey: nil, media: nil, frameCount: 0, decodedFrames: nil, processingSeconds: nil, updatedAt: Date())
    }

    @Test func framePairsSitOnTheLineAndNameTheClosestHashes() {
        // Reference frames every second; the query is the reference 5 s on, mirrored, with a
        // region hash at 12 s that is closer than the whole frame.
        let base = (0..<20).map { Self.hash(seed: UInt64($0)) }
        let reference = StoredVideoHashes(file: Self.file(2), frames: (0..<20).map { Self.frame($0, Double($0), base[$0]) },
                                          regionFrames: [], pictureFrames: [], shots: [])
        var queryFrames: [FrameHash] = []
        for k in 0..<10 {
            var whole = Self.hash(seed: 1000 + UInt64(k))
            var mirror = base[k + 5]
            mirror.w0 ^= 0b111  // 3 bits from the reference frame
            if k == 7 { whole = Self.hash(seed: 99); mirror = Self.hash(seed: 98) }
            queryFrames.append(Self.frame(k, Double(k) + 0.25, whole, mirror: mirror, quality: k == 0 ? 20 : 90))
        }
        var region = base[12]
        region.w1 ^= 1
        let query = StoredVideoHashes(file: Self.file(1), frames: queryFrames,
                                      regionFrames: [Self.frame(7, 7.25, region, mirror: Self.hash(seed: 97))], pictureFrames: [], shots: [])
        let segment = Self.segment(1, 2, 0, 10, 5, 15, score: 8)
        let pairs = FramePairPicker.pick(segment, query: query, reference: reference, count: 5)
        #expect(pairs.count == 5)
        // The low-quality first frame is passed over; the ends of the span are there.
        #expect(pairs.first?.query.time == 1.25 && pairs.last?.query.time == 9.25)
        for pair in pairs {
            #expect(pair.query.fileID == 1 && pair.reference.fileID == 2)
            #expect(abs(pair.reference.time - (pair.query.time + 5)) <= 1, "\(pair.query.time) → \(pair.reference.time)")
            if pair.query.time == 7.25 {
                #expect(pair.distance == 1 && pair.kind == .region && pair.reference.time == 12)
            } else {
                #expect(pair.distance == 3 && pair.kind == .mirror)
            }
        }
        #expect(pairs.contains { $0.query.time == 7.25 })
    }
}
