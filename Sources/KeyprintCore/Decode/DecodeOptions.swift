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

    public init(sampling: SamplingMode = .defaultInterval, lumaSize: (width: Int, height: Int)? = nil,
                timeBudget: Double? = nil, threads: Int = 1) {
        self.sampling = sampling
        self.lumaSize = lumaSize
        self.timeBudget = timeBudget
        self.threads = threads
    }


    public static func == (a: DecodeOptions, b: DecodeOptions) -> Bool {
        a.sampling == b.sampling && a.lumaSize?.width == b.lumaSize?.width && a.lumaSize?.height == b.lumaSize?.height
            && a.timeBudget == b.timeBudget && a.threads == b.threads
    }
}
