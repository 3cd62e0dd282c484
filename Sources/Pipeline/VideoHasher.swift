import KeyprintModel
import KeyprintDecode
import KeyprintHash
import KeyprintIndex
import KeyprintMatch
import KeyprintStore
import KeyprintExport

/// Decodes a file and fingerprints every sampled frame: the decode → hash half of the pipeline.
public enum VideoHasher {
    /// Hashes `path`, calling `body` for each sampled frame in order (whole-frame and mirror
    /// hashes, as `keyprint hash` prints them; no dihedral hashes). Returns the media facts and
    /// the number of frames decoded.
    @discardableResult
    public static func hash(path: String, options: DecodeOptions, _ body: (FrameHash) throws -> Void) throws -> (info: MediaInfo, decodedFrames: Int) {
        let reader = try VideoReader(path: path, options: options)
        let hasher = PDQHasher(exactMirror: true)
        let decoded = try reader.forEachSample { frame in
            let result = hasher.hash(frame)
            try body(FrameHash(index: frame.index, timestamp: frame.timestamp, quality: result.quality,
                               hash: result.hash, mirrorHash: result.exactMirrorHash ?? result.hash(.flipX)))
        }
        return (reader.info, decoded)
    }

    /// Hashes `path` with whole-frame hashes and, when `regions` is true, region hashes
    /// (`RegionHashing`, configured by `regionHashing`: a content region per shot, its crop
    /// hashed), in one decode pass. When the sampling is dense (`RegionHashing.isDense`: every
    /// frame, or intervals under 1 s) only the frames a 1-s sampler would pick (the first at or
    /// after each whole second) find cuts and regions, so the shots and regions are those of a
    /// 1-s scan; under interval sampling the other samples are cropped to their shot's region
    /// too (`RegionHashing.addBetween`, `hashesEverySample`), so every sample has a region hash,
    /// while under every-frame sampling region hashes cover the 1-s subset only. Otherwise every
    /// sampled frame goes to `RegionHashing`. `body` sees each whole-frame hash as it is made (for progress and
    /// cancellation); the result holds all of them.
    public static func hashWithRegions(path: String, options: DecodeOptions, regions: Bool,
                                       regionHashing: RegionHashing = RegionHashing(),
                                       _ body: (FrameHash) throws -> Void = { _ in }) throws -> VideoHashes {
        try hashWithRegions(reader: VideoReader(path: path, options: options), regions: regions, regionHashing: regionHashing, body)
    }

    /// `hashWithRegions(path:…)` for a file already open (the descriptor its custody hashes
    /// were read from), its first `length` bytes, within `deadline`.
    /// `onOpen` is told the media facts once the file is open, before the first frame.
    public static func hashWithRegions(file: EvidenceFile, length: Int64, options: DecodeOptions, deadline: Deadline, regions: Bool,
                                       regionHashing: RegionHashing = RegionHashing(), onOpen: (MediaInfo) -> Void = { _ in },
                                       _ body: (FrameHash) throws -> Void = { _ in }) throws -> VideoHashes {
        let reader = try VideoReader(file: file, length: length, options: options, deadline: deadline)
        onOpen(reader.info)
        return try hashWithRegions(reader: reader, regions: regions, regionHashing: regionHashing, body)
    }

    static func hashWithRegions(reader: VideoReader, regions: Bool, regionHashing: RegionHashing,
                                _ body: (FrameHash) throws -> Void) throws -> VideoHashes {
        var regionHashing = regionHashing
        let options = reader.options
        var regionSampler = RegionHashing.isDense(options.sampling) ? IntervalSampler(seconds: RegionHashing.denseRegionInterval) : nil
        let regionsEverySample = RegionHashing.hashesEverySample(options.sampling)
        let hasher = PDQHasher(exactMirror: true)
        var frames: [FrameHash] = []
        var firstFrameSize: (width: Int, height: Int)?
        let decoded = try reader.forEachSample { frame in
            if firstFrameSize == nil { firstFrameSize = (frame.width, frame.height) }
            let result = hasher.hash(frame)
            let hash = FrameHash(index: frame.index, timestamp: frame.timestamp, quality: result.quality,
                                 hash: result.hash, mirrorHash: result.exactMirrorHash ?? result.hash(.flipX),
                                 dihedral: result.dihedralHashes)
            try body(hash)
            frames.append(hash)
            guard regions else { return }
            if regionSampler?.accepts(time: frame.timestamp) == false {
                if regionsEverySample { regionHashing.addBetween(frame, whole: hash) }
                return
            }
            regionHashing.add(frame, whole: hash)
        }
        let (shots, regionFrames) = regions ? regionHashing.finish() : ([], [])
        return VideoHashes(info: reader.info.withSize(ofFirstFrame: firstFrameSize), decodedFrames: decoded, frames: frames, shots: shots, regionFrames: regionFrames,
                           pictureFrames: shots.isEmpty ? [] : regionHashing.pictureFrames, warnings: reader.warnings)
    }

    /// Convenience: all sampled frame hashes of a file.
    public static func hashes(path: String, options: DecodeOptions) throws -> [FrameHash] {
        var out: [FrameHash] = []
        try hash(path: path, options: options) { out.append($0) }
        return out
    }
}

/// Everything `VideoHasher.hashWithRegions` learns about one file.
public struct VideoHashes: Sendable {
    public var info: MediaInfo
    public var decodedFrames: Int
    public var frames: [FrameHash]
    /// Its shots and their content regions (`RegionHashing`); empty when no shot has a region.
    public var shots: [ShotRegion]
    /// Region hashes, in time order, each with the index and timestamp of its entry of
    /// `frames` (a frame of a shot without a region carries its whole-frame hash): one per entry
    /// of `frames`, or under every-frame sampling one per frame of the 1-s subset
    /// (`RegionHashing.hashesEverySample`); empty when `shots` is.
    public var regionFrames: [FrameHash]
    /// Hashes of the picture inside letterbox bars, for frames whose shot has bars around a
    /// smaller content region (`RegionHashing.pictureFrames`); often empty.
    public var pictureFrames: [FrameHash] = []
    /// What went wrong without stopping the decode (`VideoReader.warnings`).
    public var warnings: [String] = []
}
