import Foundation
import KeyprintDecode
import KeyprintExport
import KeyprintModel
import KeyprintStore

/// Writes the examiner's report of a case into a folder: `index.html` (`ReportHTML`) and the
/// thumbnails it shows under `frames/`, each cut from the evidence itself (`ThumbnailCutter`:
/// read-only, the scan's safe open; a file changed since its scan is flagged, not shown).
///
/// Every file is written atomically (`AtomicFile`), `index.html` last and only once the
/// thumbnails are on disk (one `sync` for all of them), so a report folder holds either the
/// previous report or the new one's page with all its images, even after a crash. The folder must be
/// a real path outside every scanned evidence folder (`EvidencePaths.resolveOutputFolder`).
public struct ReportBuilder: Sendable {
    public let store: any CaseStore
    /// The case database's location, for the report's heading.
    public let database: String
    /// Matched frame pairs shown per segment: its start, its end and evenly between.
    public var framesPerSegment = 5
    /// Frames in each video's contact sheet.
    public var sheetFrames = 12
    public var thumbnailWidth = 240
    /// Re-hash each file (MD5, SHA-1, SHA-256, through the descriptor the thumbnails are cut
    /// from) and flag it when its digests are not the scan's: slower (every byte is read), for
    /// a change that keeps size and modification time.
    public var verifyDigests = false

    public init(store: any CaseStore, database: String) {
        self.store = store
        self.database = database
    }

    /// How far the report has got, for a progress line.
    public struct Progress: Sendable {
        public var thumbnailsDone: Int
        public var thumbnailsTotal: Int
        /// The file being cut.
        public var path: String
    }

    /// What was written.
    public struct Summary: Sendable, Equatable {
        public var pairs: Int
        public var segments: Int
        public var thumbnails: Int
        /// Files whose frames are not shown, with the reason.
        public var flagged: [String: String]
        public var indexPath: String
    }

    /// Writes the report into `folder` (created when missing).
    @discardableResult
    public func write(to folder: String, progress: (Progress) -> Void = { _ in }) async throws -> Summary {
        let plan = try await plan()
        try FramesExporter.makeFolder(folder, withParents: true)
        let framesFolder = folder + "/frames"
        try FramesExporter.makeFolder(framesFolder, withParents: false)

        var images: [Int64: [Double: String]] = [:]
        var problems: [Int64: String] = [:]
        let total = plan.requests.values.reduce(0) { $0 + $1.count }
        var done = 0
        for (fileID, times) in plan.requests.sorted(by: { $0.key < $1.key }) {
            guard let file = plan.files[fileID] else { continue }
            progress(Progress(thumbnailsDone: done, thumbnailsTotal: total, path: file.path))
            var written: [Double: String] = [:]
            do {
                let cutter = try ThumbnailCutter(fileSystemPath: FileSystemPath(root: file.root, relative: file.relativePath),
                                                 displayPath: file.path, scannedSize: file.size,
                                                 scannedModificationNanoseconds: file.mtimeNanoseconds, maxWidth: thumbnailWidth)
                if verifyDigests, let stored = file.digests {
                    let now: CustodyDigests
                    do { now = try CustodyHasher.hash(file: cutter.file).digests } catch {
                        throw ThumbnailCutter.Failure.cannotRead(path: file.path, reason: "\(error)")
                    }
                    if now != stored {
                        throw ThumbnailCutter.Failure.changedSinceScan(path: file.path, change: "SHA-256 \(stored.sha256) → \(now.sha256)")
                    }
                }
                for time in times.sorted() {
                    let thumbnail = try cutter.cut(at: time)
                    let name = Self.imageName(fileID: fileID, time: time)
                    // Flushed all at once below: one fsync per thumbnail cost more than cutting it.
                    try AtomicFile.write(bytes: thumbnail.jpeg, folder: framesFolder, name: name, flush: false)
                    written[time] = "frames/" + name
                    done += 1
                    if done % 25 == 0 { progress(Progress(thumbnailsDone: done, thumbnailsTotal: total, path: file.path)) }
                }
                try cutter.verifyUnchanged()
                images[fileID] = written
            } catch let failure as ThumbnailCutter.Failure {
                problems[fileID] = failure.description
                // Frames already cut from a file that turned out to change are not shown.
                for name in written.values { unlink(folder + "/" + name) }
                done += times.count - written.count
            }
        }
        progress(Progress(thumbnailsDone: total, thumbnailsTotal: total, path: ""))
        // Every thumbnail and its rename on disk before the page that shows them.
        sync()
        let document = plan.document(images: images, problems: problems)
        try AtomicFile.write(ReportHTML.document(document), folder: folder, name: "index.html")
        var flagged: [String: String] = [:]
        for (id, problem) in problems { flagged[plan.files[id]?.path ?? String(id)] = problem }
        return Summary(pairs: document.pairs.count, segments: document.pairs.reduce(0) { $0 + $1.segments.count },
                       thumbnails: images.values.reduce(0) { $0 + $1.count }, flagged: flagged, indexPath: folder + "/index.html")
    }

    /// `f<file id>-<microseconds>.jpg`: digits only, whatever the evidence is called.
    static func imageName(fileID: Int64, time: Double) -> String {
        "f\(fileID)-\(Int64((time * 1_000_000).rounded())).jpg"
    }

    // MARK: Planning

    /// The report's content before thumbnails: pairs with their frame pairs, contact sheets, and
    /// which frame of which file each needs.
    struct Plan {
        var files: [Int64: StoredFile]
        var base: ReportDocument
        /// Stored frame times to cut, per file.
        var requests: [Int64: Set<Double>]

        func document(images: [Int64: [Double: String]], problems: [Int64: String]) -> ReportDocument {
            var doc = base
            func fill(_ t: ReportDocument.Thumbnail) -> ReportDocument.Thumbnail {
                var t = t
                t.image = images[t.fileID]?[t.time]
                return t
            }
            func fill(_ f: ReportDocument.File) -> ReportDocument.File {
                var f = f
                f.frameProblem = problems[f.id]
                return f
            }
            doc.pairs = doc.pairs.map { pair in
                var pair = pair
                pair.query = fill(pair.query)
                pair.reference = fill(pair.reference)
                pair.segments = pair.segments.map { segment in
                    var segment = segment
                    segment.frames = segment.frames.map { p in
                        var p = p
                        p.query = fill(p.query)
                        p.reference = fill(p.reference)
                        return p
                    }
                    return segment
                }
                return pair
            }
            doc.videos = doc.videos.map { video in
                var video = video
                video.file = fill(video.file)
                video.sheet = video.sheet.map(fill)
                return video
            }
            return doc
        }
    }

    /// Everything but the thumbnails, from the store.
    func plan() async throws -> Plan {
        let stored = try await store.files(collection: nil)
        var files: [Int64: StoredFile] = [:]
        for file in stored { files[file.id] = file }
        let scans = try await store.scans()
        let runs = try await store.matchRuns()
        var segments: [MatchSegment] = []
        for run in runs { segments += try await store.matchSegments(runID: run.id) }
        var hashes: [Int64: StoredVideoHashes] = [:]
        for video in try await store.storedHashes(collection: nil) { hashes[video.file.id] = video }
        var requests: [Int64: Set<Double>] = [:]

        var pairs: [ReportDocument.Pair] = []
        for group in LinkedPairs.pairs(segments) {
            guard let query = files[group.query], let reference = files[group.reference] else { continue }
            var items: [ReportDocument.Segment] = []
            for (segment, _) in group.segments {
                let frames = FramePairPicker.pick(segment, query: hashes[query.id], reference: hashes[reference.id], count: framesPerSegment)
                for pair in frames {
                    requests[pair.query.fileID, default: []].insert(pair.query.time)
                    requests[pair.reference.fileID, default: []].insert(pair.reference.time)
                }
                items.append(ReportDocument.Segment(segment: segment, via: segment.via.flatMap { files[$0] }, frames: frames))
            }
            pairs.append(ReportDocument.Pair(query: ReportDocument.File(stored: query), reference: ReportDocument.File(stored: reference),
                                             segments: items))
        }
        var videos: [ReportDocument.Video] = []
        for file in stored where file.state == .done {
            let frames = hashes[file.id]?.frames ?? []
            let picked = FramePairPicker.spread(frames.count, count: sheetFrames).map { frames[$0] }
            for frame in picked { requests[file.id, default: []].insert(frame.timestamp) }
            videos.append(ReportDocument.Video(file: ReportDocument.File(stored: file),
                                               sheet: picked.map { ReportDocument.Thumbnail(fileID: file.id, time: $0.timestamp, image: nil) }))
        }

        var collections: [ReportDocument.Collection] = []
        let counts = try await store.stateCounts()
        for name in Set(stored.map(\.collection)).union(scans.map(\.collection)).sorted() {
            let roots = Set(scans.filter { $0.collection == name }.map(\.root)).union(stored.filter { $0.collection == name }.map(\.root)).sorted()
            let perState = counts.filter { $0.collection == name }.map { (state: $0.state, count: $0.count) }
            collections.append(ReportDocument.Collection(name: name, roots: roots, counts: perState))
        }
        let base = ReportDocument(
            database: database, generatedAt: Date(), keyprintVersion: KeyprintVersion.string, ffmpegVersions: FFmpegVersions.summary,
            collections: collections, problemFiles: stored.filter { $0.state == .failed || $0.state == .skipped },
            scans: scans, matchRuns: runs, pairs: pairs, videos: videos)
        return Plan(files: files, base: base, requests: requests)
    }
}
