import Foundation
import KeyprintModel

/// Media facts of a processed video, as stored.
public struct StoredMediaFacts: Sendable, Equatable {
    public var container: String
    public var codec: String
    public var width: Int
    public var height: Int
    public var displayWidth: Int
    public var displayHeight: Int
    public var rotation: Int
    public var duration: Double?
    public var creationTime: Date?
    public var isStillImage: Bool

    public init(_ info: MediaInfo) {
        container = info.container; codec = info.codec
        width = info.width; height = info.height
        displayWidth = info.displayWidth; displayHeight = info.displayHeight
        rotation = info.rotation; duration = info.duration
        creationTime = info.creationTime; isStillImage = info.isStillImage
    }

    public init(container: String, codec: String, width: Int, height: Int, displayWidth: Int, displayHeight: Int,
                rotation: Int, duration: Double?, creationTime: Date?, isStillImage: Bool) {
        self.container = container; self.codec = codec
        self.width = width; self.height = height
        self.displayWidth = displayWidth; self.displayHeight = displayHeight
        self.rotation = rotation; self.duration = duration
        self.creationTime = creationTime; self.isStillImage = isStillImage
    }
}

/// MD5, SHA-1 and SHA-256 of a file's content, lower-case hex.
public struct CustodyDigests: Sendable, Equatable, Hashable {
    public var md5: String
    public var sha1: String
    public var sha256: String

    public init(md5: String, sha1: String, sha256: String) {
        self.md5 = md5; self.sha1 = sha1; self.sha256 = sha256
    }
}

/// One file of a collection as the case database holds it.
public struct StoredFile: Sendable, Equatable {
    public var id: Int64
    public var collection: String
    /// The evidence folder's absolute path when it was scanned.
    public var root: String
    public var relativePath: String
    public var state: FileState
    public var error: String?
    public var size: Int64?
    /// Modification time in nanoseconds since 1970.
    public var mtimeNanoseconds: Int64?
    public var digests: CustodyDigests?
    public var hashedAt: Date?
    public var hashingKey: String?
    public var media: StoredMediaFacts?
    /// Frames stored (sampled) and frames the decoder produced.
    public var frameCount: Int
    public var decodedFrames: Int?
    public var processingSeconds: Double?
    /// For a failed file: when a later scan tries it again.
    public var retry: FailureRetry = .whenChanged
    public var updatedAt: Date
    /// The outcome's warnings (`FileOutcome.warnings`) joined with "; ", nil when none.
    public var warning: String? = nil
    /// For an item imported from a hash file (`KnownMaterialStore`): the file's format and
    /// SHA-256; `path` is then the hash file's path. nil for a file a scan decoded.
    public var importedFrom: ImportedSource? = nil

    /// How the timeline and status name the file: its path, or "hashes from PATH" for an
    /// imported item (there is no media file).
    public var displayPath: String { importedFrom == nil ? path : "hashes from " + path }

    public init(id: Int64, collection: String, root: String, relativePath: String, state: FileState, error: String? = nil,
                size: Int64? = nil, mtimeNanoseconds: Int64? = nil, digests: CustodyDigests? = nil, hashedAt: Date? = nil,
                hashingKey: String? = nil, media: StoredMediaFacts? = nil, frameCount: Int, decodedFrames: Int? = nil,
                processingSeconds: Double? = nil, updatedAt: Date, warning: String? = nil) {
        self.id = id; self.collection = collection; self.root = root; self.relativePath = relativePath; self.state = state
        self.error = error; self.size = size; self.mtimeNanoseconds = mtimeNanoseconds; self.digests = digests
        self.hashedAt = hashedAt; self.hashingKey = hashingKey; self.media = media; self.frameCount = frameCount
        self.decodedFrames = decodedFrames; self.processingSeconds = processingSeconds; self.updatedAt = updatedAt; self.warning = warning
    }

    /// Root joined with the relative path.
    public var path: String { root.hasSuffix("/") ? root + relativePath : root + "/" + relativePath }
}
