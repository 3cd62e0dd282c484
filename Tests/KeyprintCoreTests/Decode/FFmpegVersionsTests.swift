import Testing
@testable import KeyprintCore

@Suite struct FFmpegVersionsTests {
    @Test func versionsAreDottedAndNamed() {
        #expect(FFmpegVersions.dotted(59 << 16 | 27 << 8 | 100) == "59.27.100")
        let summary = FFmpegVersions.summary
        for library in ["libavformat", "libavcodec", "libswscale", "libavutil"] { #expect(summary.contains(library + " ")) }
    }
}
