import KeyprintModel

extension VideoFrames {
    /// A 64-bit digest (FNV-1a, the same in every process) of everything the matcher reads of
    /// the video besides its id: frames, region and picture hashes (index, time, quality, both
    /// hashes), shots and regions, duration. Incremental matching compares it with the digest a
    /// match run recorded to tell a rescanned file from an unchanged one.
    public var contentDigest: UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        @inline(__always) func mix(_ v: UInt64) {
            var x = v
            for _ in 0..<8 { h = (h ^ (x & 0xff)) &* 0x0000_0100_0000_01b3; x >>= 8 }
        }
        func mix(_ list: [FrameHash]) {
            mix(UInt64(list.count))
            for f in list {
                mix(UInt64(bitPattern: Int64(f.index))); mix(f.timestamp.bitPattern); mix(UInt64(bitPattern: Int64(f.quality)))
                mix(f.hash.w0); mix(f.hash.w1); mix(f.hash.w2); mix(f.hash.w3)
                mix(f.mirrorHash.w0); mix(f.mirrorHash.w1); mix(f.mirrorHash.w2); mix(f.mirrorHash.w3)
                // Turned hashes only where the scan made them (older digests stay as they were).
                if let d = f.dihedral { for x in d.hashes { mix(x.w0); mix(x.w1); mix(x.w2); mix(x.w3) } }
            }
        }
        mix(frames); mix(regionFrames); mix(pictureFrames)
        mix(UInt64(shots.count))
        for s in shots {
            mix(s.startTime.bitPattern)
            if let r = s.region { mix(1); mix(r.x.bitPattern); mix(r.y.bitPattern); mix(r.width.bitPattern); mix(r.height.bitPattern) } else { mix(0) }
        }
        if let d = duration { mix(1); mix(d.bitPattern) } else { mix(0) }
        return h
    }
}
