import KeyprintMatch
import KeyprintStore
import KeyprintExport

extension MatchRunSettings {
    /// What a match run with these settings records.
    public init(_ settings: MatchSettings) {
        self.init(thresholdBits: settings.thresholdBits, minDuration: settings.minDuration, minQuality: settings.minQuality,
                  maxDocumentFrequency: settings.maxDocumentFrequency,
                  matchWholeFramesOfRegionVideos: settings.matchWholeFramesOfRegionVideos, deriveLinks: settings.deriveLinks)
    }
}
