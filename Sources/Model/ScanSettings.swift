import Foundation

/// The settings a scan recorded, so that `keyprint resume` can continue without the user
/// repeating them. Stored as JSON in the scans table.
public struct ScanSettings: Sendable, Equatable, Codable {
    /// `SamplingMode.storageKey`: `keyframes`, `every:1.0`, `all`.
    public var sampling: String
    /// Luma plane size handed to the hasher; nil (the default) keeps the native resolution, as vPDQ.
    public var lumaWidth: Int?
    public var lumaHeight: Int?
    /// Per-file wall-clock budget in seconds; nil for none.
    public var timeBudget: Double?
    /// Files processed at once.
    public var jobs: Int
    /// Also store region hashes (the content region's crop of every sampled frame). Settings
    /// recorded before regions existed decode as true.
    public var regions: Bool
    /// PDQ luma through libswscale's RGB conversion, vPDQ's hashes bit for bit
    /// (`DecodeOptions.exactVPDQLuma`, whose default follows the sampling); false: straight from
    /// the Y plane. Settings recorded before the Y-plane luma existed decode as true (their
    /// files were hashed that way).
    public var exactVPDQLuma: Bool

    public init(sampling: SamplingMode, lumaSize: (width: Int, height: Int)? = nil,
                timeBudget: Double?, jobs: Int, regions: Bool = true, exactVPDQLuma: Bool? = nil) {
        self.sampling = sampling.storageKey
        self.lumaWidth = lumaSize?.width
        self.lumaHeight = lumaSize?.height
        self.timeBudget = timeBudget
        self.jobs = jobs
        self.regions = regions
        // The default follows the sampling (`DecodeOptions.exactVPDQLuma`): exact unless dense.
        self.exactVPDQLuma = exactVPDQLuma ?? !sampling.isDense
    }

    private enum CodingKeys: String, CodingKey { case sampling, lumaWidth, lumaHeight, timeBudget, jobs, regions, exactVPDQLuma }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        sampling = try c.decode(String.self, forKey: .sampling)
        lumaWidth = try c.decodeIfPresent(Int.self, forKey: .lumaWidth)
        lumaHeight = try c.decodeIfPresent(Int.self, forKey: .lumaHeight)
        timeBudget = try c.decodeIfPresent(Double.self, forKey: .timeBudget)
        jobs = try c.decode(Int.self, forKey: .jobs)
        regions = try c.decodeIfPresent(Bool.self, forKey: .regions) ?? true
        exactVPDQLuma = try c.decodeIfPresent(Bool.self, forKey: .exactVPDQLuma) ?? true
    }

    public var samplingMode: SamplingMode { SamplingMode(storageKey: sampling) ?? .defaultInterval }

    /// What decides the frames a file gets: a file hashed under another key is hashed again.
    /// `;shot-regions+picture` marks files that also have per-shot region hashes and the hashes of
    /// the picture inside letterbox bars (a file scanned before those existed — `;regions`, one
    /// region per file, or `;shot-regions` — is hashed again). `;y-luma`
    /// marks native-size luma read from the Y plane (without it: the RGB route, as before the
    /// Y-plane luma existed, so files hashed then stay valid under `--vpdq-exact-luma`).
    public var hashingKey: String {
        "\(sampling);luma=\(lumaWidth.map(String.init) ?? "native")x\(lumaHeight.map(String.init) ?? "native")"
            + (regions ? ";shot-regions+picture" : "") + (exactVPDQLuma || lumaWidth != nil ? "" : ";y-luma")
    }

    /// How a file hashed under `key` (`hashingKey`) was sampled, in words ("every 1 s",
    /// "keyframes", "all frames"); the key's sampling part as it is when it does not parse.
    public static func samplingDescription(ofHashingKey key: String) -> String {
        let mode = String(key.split(separator: ";").first ?? "")
        return SamplingMode(storageKey: mode)?.description ?? mode
    }

    public var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: (try? encoder.encode(self)) ?? Data("{}".utf8), as: UTF8.self)
    }

    public init?(json: String) {
        guard let value = try? JSONDecoder().decode(ScanSettings.self, from: Data(json.utf8)) else { return nil }
        self = value
    }
}
