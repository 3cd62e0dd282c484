import KeyprintModel

extension VideoFrames {
    /// Whether frame `i`'s region hash is a crop to its shot's content region, told by its
    /// differing from the frame's whole-frame hash: a frame of a shot without a region carries
    /// its whole-frame hash as region hash (`RegionHashing`), and a match through it is not a
    /// crop (`RecallRulesTests.aShotWithoutRegionIsNotACrop`). Needs `hasRegions`.
    func regionIsCrop(_ i: Int) -> Bool {
        regionFrames[i].hash != frames[i].hash
    }

    /// Whether frame `i`'s region hash is borrowed from a nearby frame of its shot (dense
    /// sampling, `filledRegionFrames`), told by its carrying the lender's timestamp
    /// (`ownsRegion`). A borrowed hash is its lender's entry again, so it is neither indexed nor
    /// looked up; it still serves the region check of its own frame's whole-frame matches
    /// (`MatcherTests.borrowedRegionHashesAreNotIndexedYetCheckWholeFrameMatches`). False
    /// without region hashes.
    func isBorrowedRegion(_ i: Int) -> Bool {
        hasRegions && !ownsRegion(i)
    }
}
