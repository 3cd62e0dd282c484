import Foundation
import Testing
@testable import KeyprintModel
@testable import KeyprintExport

@Suite struct VSCMatchesTests {
    static func row(_ q: String, _ r: String, known: Bool = false) -> TimelineRow {
        let segment = MatchSegment(queryVideoID: 1, referenceVideoID: 2, queryStart: 1.5, queryEnd: 12.25, referenceStart: 0.004,
                                   referenceEnd: 10.75, slope: 1, matchedFrames: 11, meanDistance: 3, score: 9.8765, transform: .mirror)
        func file(_ path: String) -> TimelineFile {
            TimelineFile(path: path, collection: "c", relativePath: path, duration: nil, md5: "", sha1: "", sha256: "")
        }
        var row = TimelineRow(query: file(q), reference: file(r), segment: segment, queryCreationTime: nil,
                              queryModificationTime: Date(timeIntervalSince1970: 0), matchRunID: 1, comparison: "all against all",
                              thresholdBits: 31, minDuration: 3, sampling: "every 1 s")
        if known { row.knownFile = KnownFileNote(hashSet: "s", matchedBy: "md5", category: "1") }
        return row
    }

    @Test func writesTheMatchingTrackColumnsWithFileStemsAsIDs() {
        let document = VSCMatches.document([
            Self.row("/ev/uploads/Q100001.mp4", "/refs/R200002.webm"),
            Self.row("/ev/a.b.mkv", "hashes from /hashes/known-clip.txt"),
            Self.row("/ev/Q9.mp4", "/sets/set.json", known: true),
        ])
        #expect(document == "query_id,ref_id,query_start,query_end,ref_start,ref_end,score\r\n"
                + "Q100001,R200002,1.500,12.250,0.004,10.750,9.877\r\n"
                + "a.b,known-clip,1.500,12.250,0.004,10.750,9.877\r\n")
    }
}
