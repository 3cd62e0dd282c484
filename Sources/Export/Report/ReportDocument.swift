import Foundation
import KeyprintModel
import KeyprintStore

/// Everything the examiner's HTML report shows, gathered by the pipeline (`ReportBuilder`) and
/// rendered by `ReportHTML`. Stored strings (file names, reasons, command lines) are kept as
/// stored: the renderer escapes every one of them.
public struct ReportDocument: Sendable {
    /// The case database's path, for the heading.
    public var database: String
    public var generatedAt: Date
    public var keyprintVersion: String
    public var ffmpegVersions: String
    public var collections: [Collection]
    /// Failed and skipped files with their reasons.
    public var problemFiles: [StoredFile]
    public var scans: [ScanRecord]
    public var matchRuns: [MatchRun]
    /// Linked pairs, strongest first.
    public var pairs: [Pair]
    /// One contact sheet per done video, by collection and path.
    public var videos: [Video]

    public init(database: String, generatedAt: Date, keyprintVersion: String, ffmpegVersions: String, collections: [Collection],
                problemFiles: [StoredFile], scans: [ScanRecord], matchRuns: [MatchRun], pairs: [Pair], videos: [Video]) {
        self.database = database; self.generatedAt = generatedAt; self.keyprintVersion = keyprintVersion
        self.ffmpegVersions = ffmpegVersions; self.collections = collections; self.problemFiles = problemFiles
        self.scans = scans; self.matchRuns = matchRuns; self.pairs = pairs; self.videos = videos
    }

    /// One collection: its evidence folders and its files per state.
    public struct Collection: Sendable, Equatable {
        public var name: String
        public var roots: [String]
        public var counts: [(state: FileState, count: Int)]
        public init(name: String, roots: [String], counts: [(state: FileState, count: Int)]) {
            self.name = name; self.roots = roots; self.counts = counts
        }
        public static func == (a: Collection, b: Collection) -> Bool {
            a.name == b.name && a.roots == b.roots && a.counts.map(\.state) == b.counts.map(\.state) && a.counts.map(\.count) == b.counts.map(\.count)
        }
    }

    /// One file as the report names it, and why its frames cannot be shown, if they cannot.
    public struct File: Sendable, Equatable {
        public var stored: StoredFile
        /// Set when no thumbnail could be cut: the file changed since its scan, or cannot be read.
        public var frameProblem: String?
        public init(stored: StoredFile, frameProblem: String? = nil) { self.stored = stored; self.frameProblem = frameProblem }
        public var id: Int64 { stored.id }
        /// Seconds, from the media facts (nil when unknown).
        public var duration: Double? { stored.media?.duration }
    }

    /// A thumbnail: a stored frame's time and the image file under the report folder, or nil
    /// when it could not be cut (the file's `frameProblem` says why).
    public struct Thumbnail: Sendable, Equatable {
        public var fileID: Int64
        /// The stored frame's timestamp (seconds from the stream's start).
        public var time: Double
        /// Relative to the report folder, e.g. `frames/f12-3000.jpg`.
        public var image: String?
        public init(fileID: Int64, time: Double, image: String?) { self.fileID = fileID; self.time = time; self.image = image }
    }

    /// Which hashes of the two frames were closest.
    public enum HashKind: String, Sendable, Equatable, CaseIterable {
        case wholeFrame = "whole frame"
        case region = "region"
        case picture = "picture"
        case mirror = "mirror"
        case mirrorRegion = "mirror, region"
        case mirrorPicture = "mirror, picture"
        /// The query's hash with the segment's turn undone (`FrameHash.probe(undoing:)`).
        case turned = "turned"
        case turnedRegion = "turned, region"
        case turnedPicture = "turned, picture"
    }

    /// One matched frame pair of a segment: a query frame and the reference frame at the
    /// segment's line time, the Hamming distance of their closest hashes and which hashes those are.
    public struct FramePair: Sendable, Equatable {
        public var query: Thumbnail
        public var reference: Thumbnail
        public var distance: Int
        public var kind: HashKind
        public init(query: Thumbnail, reference: Thumbnail, distance: Int, kind: HashKind) {
            self.query = query; self.reference = reference; self.distance = distance; self.kind = kind
        }
    }

    /// One segment of a pair, in the pair's direction, with its frame strip.
    public struct Segment: Sendable, Equatable {
        public var segment: MatchSegment
        /// The third file of a derived link.
        public var via: StoredFile?
        public var frames: [FramePair]
        public init(segment: MatchSegment, via: StoredFile?, frames: [FramePair]) {
            self.segment = segment; self.via = via; self.frames = frames
        }
    }

    /// A linked pair of files, one direction, its segments strongest first.
    public struct Pair: Sendable, Equatable {
        public var query: File
        public var reference: File
        public var segments: [Segment]
        public init(query: File, reference: File, segments: [Segment]) {
            self.query = query; self.reference = reference; self.segments = segments
        }
        public var score: Double { segments.map(\.segment.score).max() ?? 0 }
        /// True when every segment is derived (the two files never matched each other directly).
        public var isDerived: Bool { segments.allSatisfy { $0.via != nil } }
    }

    /// One video's contact sheet.
    public struct Video: Sendable, Equatable {
        public var file: File
        public var sheet: [Thumbnail]
        public init(file: File, sheet: [Thumbnail]) { self.file = file; self.sheet = sheet }
    }
}
