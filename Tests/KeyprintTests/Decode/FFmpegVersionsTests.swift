import Testing
@testable import KeyprintModel
@testable import KeyprintDecode
@testable import KeyprintHash
@testable import KeyprintIndex
@testable import KeyprintMatch
@testable import KeyprintStore
@testable import KeyprintExport
@testable import KeyprintPipeline

@Suite struct FFmpegVersionsTests {
    @Test func versionsAreDottedAndNamed() {
        #expect(FFmpegVersions.dotted(59 << 16 | 27 << 8 | 100) == "59.27.100")
        let summary = FFmpegVersions.summary
        for library in ["libavformat", "libavcodec", "libswscale", "libavutil"] { #expect(summary.contains(library + " ")) }
    }
}
