import KeyprintModel

extension CandidateLookup {
    /// The hashes query frame `qf` is looked up with, in this order: its whole frame and the
    /// picture inside its bars (each as stored, then mirrored; when whole frames are matched,
    /// `MatchSettings.matchesWholeFrames(of:)`), its own region hash (likewise; a borrowed one
    /// is looked up with its lender only), then the turned probes of each (issue 13). Hashes
    /// below `minQuality` are not looked up.
    func probes(of query: VideoFrames, frame qf: Int, pictures: [Int: FrameHash]) -> [Probe] {
        let useWhole = settings.matchesWholeFrames(of: query)
        let frame = query.frames[qf]
        var probes: [Probe] = []
        func plain(_ f: FrameHash, _ kind: FrameHashKind) {
            probes.append(Probe(hash: f.hash, kind: kind, orientation: .none))
            probes.append(Probe(hash: f.mirrorHash, kind: kind, orientation: .mirror))
        }
        let usableWhole = useWhole && frame.quality >= settings.minQuality
        let usablePicture = useWhole ? pictures[qf].flatMap { $0.quality >= settings.minQuality ? $0 : nil } : nil
        let ownRegion = query.hasRegions && !query.isBorrowedRegion(qf) && query.regionFrames[qf].quality >= settings.minQuality
        let regionKind = ownRegion ? FrameHashKind(regionOf: query, frame: qf) : .region
        if usableWhole { plain(frame, .wholeFrame) }
        if let picture = usablePicture { plain(picture, .picture) }
        if ownRegion { plain(query.regionFrames[qf], regionKind) }
        // The turned probes, after the unturned ones.
        if settings.turnedProbes {
            if usableWhole { probes += turnedProbes(frame, kind: .wholeFrame) }
            if let picture = usablePicture { probes += turnedProbes(picture, kind: .picture) }
            if ownRegion { probes += turnedProbes(query.regionFrames[qf], kind: regionKind) }
        }
        return probes
    }

    /// A frame's six turned probes (`FrameHash.probe(undoing:)`), each with the orientation it
    /// undoes; none without dihedral hashes. A turn under which the picture looks like itself
    /// (the turned hash within `thresholdBits` of the frame's own or mirror hash: a symmetric or
    /// nearly flat picture) is left out: the unturned lookup already finds what it would, and a
    /// match through it says nothing about a turn.
    private func turnedProbes(_ f: FrameHash, kind: FrameHashKind) -> [Probe] {
        guard f.dihedral != nil else { return [] }
        var out: [Probe] = []
        for o in DihedralHashes.stored {
            guard let h = f.probe(undoing: o),
                  h.distance(to: f.hash) > settings.thresholdBits, h.distance(to: f.mirrorHash) > settings.thresholdBits else { continue }
            out.append(Probe(hash: h, kind: kind, orientation: o))
        }
        return out
    }
}
