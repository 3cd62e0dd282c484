import KeyprintModel

/// Which decoded frames become samples, and what the decoder may skip to get there: the one
/// place that knows the sampling modes. The decode loop asks it once per video packet
/// (`decoderMayDropNonReference`) and once per decoded frame (`sample`).
///
/// - Key frames: the decoder is opened with `AVDISCARD_NONKEY`; as some decoders (VP8, VP9,
///   AV1) output every frame regardless, non-key frames are also refused here.
/// - Interval: the first frame at or after each multiple of the interval (`IntervalSampler`);
///   where one packet holds one frame, non-reference frames that cannot be a sample are
///   dropped by the decoder (`NonReferenceSkipper`) and frames are numbered from packet
///   timestamps.
/// - All frames: every frame.
/// - Luma route: every sample takes vPDQ's exact luma when `DecodeOptions.exactVPDQLuma`;
///   otherwise the frames a 1-s sampler would pick still do (`DecodeOptions.exactLumaInterval`).
struct SamplingPolicy {
    let mode: SamplingMode
    private let exactEverywhere: Bool
    private var interval: IntervalSampler?
    private var exactSubset: IntervalSampler?
    private var skipper: NonReferenceSkipper?
    /// The number given to the previous output frame: numbers only ever grow, even where a
    /// damaged stream's timestamps would give two frames the same count.
    private var lastIndex = -1

    /// What the decode loop does with one decoded frame that is a sample.
    struct Sample: Equatable {
        /// The frame's number in presentation order.
        var index: Int
        /// Take vPDQ's exact luma route for this frame.
        var exactLuma: Bool
    }

    /// `nonReferenceSkipping`: the container holds one frame per packet (so packet timestamps
    /// can number frames); `frameDuration`: seconds, the skipper's safety margin.
    init(options: DecodeOptions, nonReferenceSkipping: Bool, frameDuration: Double) {
        mode = options.sampling
        exactEverywhere = options.exactVPDQLuma
        if case .interval(let seconds) = options.sampling { interval = IntervalSampler(seconds: seconds) }
        exactSubset = options.exactLumaInterval.map { IntervalSampler(seconds: $0) }
        skipper = interval != nil && nonReferenceSkipping ? NonReferenceSkipper(margin: frameDuration) : nil
    }

    /// The decoder is opened discarding every non-key frame (`AVDISCARD_NONKEY`).
    var decoderSkipsNonKeyFrames: Bool { mode == .keyframes }

    /// For a video packet about to be sent: true when the decoder may drop it if it is a
    /// non-reference frame (`AVDISCARD_NONREF`), false when it must decode it, nil when the
    /// policy never changes the decoder's `skip_frame`.
    mutating func decoderMayDropNonReference(packetPTS: Int64, packetTime: Double?) -> Bool? {
        guard skipper != nil, let sampler = interval else { return nil }
        return skipper!.discard(packetPTS: packetPTS, packetTime: packetTime, nextSample: sampler.upcoming)
    }

    /// For each frame the decoder outputs, in output order: `decodedIndex` frames came out
    /// before it. Returns how to hash it, or nil when it is not a sample.
    mutating func sample(decodedIndex: Int, time: Double, presentationTimestamp: Int64, isKeyFrame: Bool) -> Sample? {
        var index = decodedIndex
        // The skipper sees every output frame, sample or not, to keep its numbering.
        if let counted = skipper?.frameIndex(presentationTimestamp: presentationTimestamp) { index = counted }
        // Packet timestamps out of order (a damaged file) can repeat a count; a good stream's
        // counts already grow by at least one a frame, so this changes nothing there.
        index = max(index, lastIndex + 1)
        lastIndex = index
        if mode == .keyframes && !isKeyFrame { return nil }
        if interval != nil && !interval!.accepts(time: time) { return nil }
        let exact = exactEverywhere || exactSubset?.accepts(time: time) == true
        return Sample(index: index, exactLuma: exact)
    }

    /// Frames in the stream as far as it was read: the decoder's count, or more when
    /// non-reference frames were dropped before decoding.
    func framesInStream(decoded: Int) -> Int { max(decoded, skipper?.framesCounted ?? 0) }
}
