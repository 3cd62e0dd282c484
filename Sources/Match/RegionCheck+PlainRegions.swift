import KeyprintModel

extension RegionCheck {
    /// Whether a whole-frame match at `distance` between two region videos stands although
    /// their region hashes cannot confirm it because at least one of them is too plain to say
    /// anything (quality below `minQuality`: a dark room, a plain wall in the pane). Only a
    /// near-identical whole frame (within `differentRegionWholeFrameBits`) qualifies, and it
    /// still goes through document-frequency weighting like every raw match, so a picture
    /// common across unrelated videos (a shared opening screen) stays common.
    /// Measured (issue #13 item 3): the plain 360p transcode of a dark-pane capture has
    /// region hashes of quality < 50 while its whole frames match at 0–6 bits.
    func plainRegionsLetWholeFrameStand(_ distance: Int, query: FrameHash, reference: FrameHash) -> Bool {
        distance <= settings.differentRegionWholeFrameBits
            && (query.quality < settings.minQuality || reference.quality < settings.minQuality)
    }
}
