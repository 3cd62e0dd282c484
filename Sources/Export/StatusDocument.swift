import Foundation
import KeyprintModel
import KeyprintStore

/// The machine-readable status of a case database:
/// `{"files":[{"path","collection","state","error","warning","frames","duration_s","size","md5","sha1","sha256"}…],
///   "known_files":{…}}` (`KnownFiles`).
/// Every key is always present; unknown values are `null`.
public struct StatusDocument: Sendable, Encodable {
    public struct Entry: Sendable, Encodable, Equatable {
        public var path: String
        public var collection: String
        public var state: FileState
        public var error: String?
        /// A done file's warnings (a decode that ended early), joined with "; ".
        public var warning: String?
        public var frames: Int
        public var durationSeconds: Double?
        public var size: Int64?
        public var md5: String?
        public var sha1: String?
        public var sha256: String?

        enum CodingKeys: String, CodingKey {
            case path, collection, state, error, warning, frames, size, md5, sha1, sha256
            case durationSeconds = "duration_s"
        }

        public init(_ file: StoredFile) {
            path = file.path; collection = file.collection; state = file.state; error = file.error; warning = file.warning
            frames = file.frameCount; durationSeconds = file.media?.duration; size = file.size
            md5 = file.digests?.md5; sha1 = file.digests?.sha1; sha256 = file.digests?.sha256
        }

        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(path, forKey: .path)
            try c.encode(collection, forKey: .collection)
            try c.encode(state, forKey: .state)
            try c.encode(error, forKey: .error)
            try c.encode(warning, forKey: .warning)
            try c.encode(frames, forKey: .frames)
            try c.encode(durationSeconds, forKey: .durationSeconds)
            try c.encode(size, forKey: .size)
            try c.encode(md5, forKey: .md5)
            try c.encode(sha1, forKey: .sha1)
            try c.encode(sha256, forKey: .sha256)
        }
    }

    public var files: [Entry]
    /// What imported hash sets say of the evidence (`StatusDocument+KnownFiles`).
    public var knownFiles: KnownFiles

    enum CodingKeys: String, CodingKey {
        case files
        case knownFiles = "known_files"
    }

    public init(files: [StoredFile], hashSets: [StoredHashSet] = [], knownFileHits: [KnownFileHit] = []) {
        self.files = files.map(Entry.init)
        self.knownFiles = KnownFiles(hashSets: hashSets, hits: knownFileHits)
    }

    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}
