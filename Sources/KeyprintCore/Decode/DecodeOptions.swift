/// How a file is decoded and what each sample looks like.
public struct DecodeOptions: Sendable, Equatable {
    public var sampling: SamplingMode
    /// Size of the luma plane handed to the hasher. `nil` keeps the native resolution (what
    /// vPDQ hashes); a fixed size is much cheaper and PDQ resamples to 64×64 anyway.
    public var lumaSize: (width: Int, height: Int)?
    /// Wall-clock budget for the whole file, in seconds; nil for none.
    public var timeBudget: Double?
    /// Decoder threads for this file. Keep 1 when files run in parallel.
    public var threads: Int

    public init(sampling: SamplingMode = .defaultInterval, lumaSize: (width: Int, height: Int)? = DecodeOptions.standardLumaSize,
                timeBudget: Double? = nil, threads: Int = 1) {
        self.sampling = sampling
        self.lumaSize = lumaSize
        self.timeBudget = timeBudget
        self.threads = threads
    }

    /// The reduced luma size used by default (see BENCHMARKS.md for its conformance figures).
    public static let standardLumaSize: (width: Int, height: Int) = (256, 256)

    public static func == (a: DecodeOptions, b: DecodeOptions) -> Bool {
        a.sampling == b.sampling && a.lumaSize?.width == b.lumaSize?.width && a.lumaSize?.height == b.lumaSize?.height
            && a.timeBudget == b.timeBudget && a.threads == b.threads
    }
}
