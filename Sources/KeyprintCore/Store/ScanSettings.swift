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

    public init(sampling: SamplingMode, lumaSize: (width: Int, height: Int)? = nil,
                timeBudget: Double?, jobs: Int) {
        self.sampling = sampling.storageKey
        self.lumaWidth = lumaSize?.width
        self.lumaHeight = lumaSize?.height
        self.timeBudget = timeBudget
        self.jobs = jobs
    }

    public var samplingMode: SamplingMode { SamplingMode(storageKey: sampling) ?? .defaultInterval }

    /// What decides the frames a file gets: a file hashed under another key is hashed again.
    public var hashingKey: String {
        "\(sampling);luma=\(lumaWidth.map(String.init) ?? "native")x\(lumaHeight.map(String.init) ?? "native")"
    }

    public var decodeOptions: DecodeOptions {
        let luma: (width: Int, height: Int)? = (lumaWidth != nil && lumaHeight != nil) ? (lumaWidth!, lumaHeight!) : nil
        return DecodeOptions(sampling: samplingMode, lumaSize: luma, timeBudget: timeBudget, threads: 1)
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
