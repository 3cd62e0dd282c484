import Testing
@testable import KeyprintModel
@testable import KeyprintDecode
@testable import KeyprintHash
@testable import KeyprintIndex
@testable import KeyprintMatch
@testable import KeyprintStore
@testable import KeyprintExport
@testable import KeyprintPipeline

/// Which luma path a scan records and how it shows in the hashing key.
@Suite struct ScanSettingsTests {
    @Test func lumaPathFollowsTheSamplingUnlessExactIsAskedFor() {
        let everySecond = ScanSettings(sampling: .defaultInterval, timeBudget: 60, jobs: 1)
        #expect(everySecond.exactVPDQLuma && everySecond.decodeOptions.exactVPDQLuma)
        #expect(everySecond.hashingKey == "every:1.0;luma=nativexnative;shot-regions+picture")
        #expect(ScanSettings(sampling: .keyframes, timeBudget: 60, jobs: 1).exactVPDQLuma)

        let dense = ScanSettings(sampling: .allFrames, timeBudget: 60, jobs: 1)
        #expect(!dense.exactVPDQLuma && !dense.decodeOptions.exactVPDQLuma)
        #expect(dense.hashingKey == "all;luma=nativexnative;shot-regions+picture;y-luma")
        #expect(!ScanSettings(sampling: .interval(seconds: 0.5), timeBudget: 60, jobs: 1).exactVPDQLuma)

        let exactDense = ScanSettings(sampling: .allFrames, timeBudget: 60, jobs: 1, exactVPDQLuma: true)
        #expect(exactDense.decodeOptions.exactVPDQLuma && exactDense.hashingKey == "all;luma=nativexnative;shot-regions+picture")
        // Recorded and read back (resume uses what the scan recorded).
        #expect(ScanSettings(json: dense.json) == dense && ScanSettings(json: exactDense.json) == exactDense)
        // Settings recorded before the Y-plane luma existed: their files took the RGB route.
        #expect(ScanSettings(json: #"{"jobs":2,"sampling":"all","timeBudget":600}"#)?.exactVPDQLuma == true)
    }

    @Test func decodeOptionsDefaultLuma() {
        #expect(DecodeOptions().exactVPDQLuma && DecodeOptions(sampling: .keyframes).exactVPDQLuma)
        #expect(!DecodeOptions(sampling: .allFrames).exactVPDQLuma && !DecodeOptions(sampling: .interval(seconds: 0.25)).exactVPDQLuma)
        #expect(DecodeOptions(sampling: .allFrames, exactVPDQLuma: true).exactVPDQLuma)
        #expect(!DecodeOptions(sampling: .defaultInterval, exactVPDQLuma: false).exactVPDQLuma)
    }
}
