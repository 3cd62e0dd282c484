import KeyprintModel

/// How a file is decoded and what each sample looks like.
public struct DecodeOptions: Sendable, Equatable {
    public var sampling: SamplingMode
    /// Size of the luma plane handed to the hasher. `nil` (the default) keeps the native
    /// resolution, which is what vPDQ hashes: PDQ's box filter is sensitive enough that a
    /// 256×256 plane lands ~17 bits from vPDQ on SD video (BENCHMARKS.md), outside the
    /// 10-bit conformance bound. The hasher only evaluates the filter at the 64×64
    /// decimation points, so native resolution stays cheap.
    public var lumaSize: (width: Int, height: Int)?
    /// Wall-clock budget for the whole file, in seconds; nil for none.
    public var timeBudget: Double?
    /// Decoder threads for this file. Keep 1 when files run in parallel.
    public var threads: Int
    /// True: every frame goes through libswscale's RGB conversion and PDQ's RGB weights, as
    /// vPDQ does, for vPDQ's hashes bit for bit. False: at native size, 8-bit YUV frames give
    /// their luma straight from the Y plane (255/219·(Y−16) for limited range, Y for full
    /// range), within a few bits of vPDQ's hashes and about a sixth cheaper per all-frames scan
    /// (except the frames of `exactLumaInterval`).
    /// Default (`nil` in `init`): false for dense sampling (`SamplingMode.isDense`), where the
    /// conversion is a large share of the cost, true otherwise, where it is not (one sampled
    /// frame a second: under 2 % measured) and the exact luma kept 2 borderline pairs of
    /// samples/ that the Y-plane luma lost (BENCHMARKS.md). No effect with a reduced `lumaSize`.
    public var exactVPDQLuma: Bool
    /// With `exactVPDQLuma` false under dense sampling, the frames a 1-s sampler would pick
    /// (the first at or after each whole second, `exactLumaInterval`) still take the exact
    /// route: those frames, their hashes and their region hashes are then exactly a 1-s scan's,
    /// and the Y-plane luma only adds the frames in between. nil: every frame follows
    /// `exactVPDQLuma`.
    public var exactLumaInterval: Double? {
        !exactVPDQLuma && sampling.isDense && lumaSize == nil ? 1.0 : nil
    }

    public init(sampling: SamplingMode = .defaultInterval, lumaSize: (width: Int, height: Int)? = nil,
                timeBudget: Double? = nil, threads: Int = 1, exactVPDQLuma: Bool? = nil) {
        self.sampling = sampling
        self.lumaSize = lumaSize
        self.timeBudget = timeBudget
        self.threads = threads
        self.exactVPDQLuma = exactVPDQLuma ?? !sampling.isDense
    }

    public static func == (a: DecodeOptions, b: DecodeOptions) -> Bool {
        a.sampling == b.sampling && a.lumaSize?.width == b.lumaSize?.width && a.lumaSize?.height == b.lumaSize?.height
            && a.timeBudget == b.timeBudget && a.threads == b.threads && a.exactVPDQLuma == b.exactVPDQLuma
    }
}
