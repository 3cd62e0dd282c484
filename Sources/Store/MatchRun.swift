import Foundation
import KeyprintModel

/// One `keyprint match` run: which comparison (query collection against reference collection,
/// nil for every collection), with which settings, when. Its segments replace those of any
/// earlier run of the same comparison.
public struct MatchRun: Sendable, Equatable {
    public var id: Int64
    public var queryCollection: String?
    public var referenceCollection: String?
    public var settings: MatchRunSettings
    public var commandLine: String
    public var startedAt: Date
    public var endedAt: Date?

    public init(id: Int64 = 0, queryCollection: String?, referenceCollection: String?, settings: MatchRunSettings,
                commandLine: String, startedAt: Date, endedAt: Date? = nil) {
        self.id = id; self.queryCollection = queryCollection; self.referenceCollection = referenceCollection
        self.settings = settings; self.commandLine = commandLine; self.startedAt = startedAt; self.endedAt = endedAt
    }
}

/// The match settings a run records (JSON in `match_runs.settings`).
public struct MatchRunSettings: Sendable, Equatable, Codable {
    public var thresholdBits: Int
    public var minDuration: Double
    public var minQuality: Int
    public var maxDocumentFrequency: Int
    public var matchWholeFramesOfRegionVideos: Bool
    /// Absent in runs recorded before derived links existed.
    public var deriveLinks: Bool?
    /// The frame search used (`exhaustive` or `seeded`); absent in runs recorded before the
    /// seeded search existed (they were exhaustive).
    public var candidateSearch: String? = nil

    public init(thresholdBits: Int, minDuration: Double, minQuality: Int, maxDocumentFrequency: Int,
                matchWholeFramesOfRegionVideos: Bool, deriveLinks: Bool?) {
        self.thresholdBits = thresholdBits
        self.minDuration = minDuration
        self.minQuality = minQuality
        self.maxDocumentFrequency = maxDocumentFrequency
        self.matchWholeFramesOfRegionVideos = matchWholeFramesOfRegionVideos
        self.deriveLinks = deriveLinks
    }

    public var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: (try? encoder.encode(self)) ?? Data("{}".utf8), as: UTF8.self)
    }

    public init?(json: String) {
        guard let value = try? JSONDecoder().decode(MatchRunSettings.self, from: Data(json.utf8)) else { return nil }
        self = value
    }
}
