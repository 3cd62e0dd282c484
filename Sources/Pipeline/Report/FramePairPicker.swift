import KeyprintExport
import KeyprintModel
import KeyprintStore

/// Picks the frame pairs a report shows for one segment: stored query frames at the segment's
/// start, its end and evenly between (frames of quality 50 or more where there are such, as
/// the matcher uses), each beside the stored reference frame at the segment's line time (of the
/// two frames either side of it, the closer in hash), with the Hamming distance of their
/// closest hashes and which hashes those are (whole frame, region, picture; the query's mirror).
enum FramePairPicker {
    static func pick(_ segment: MatchSegment, query: StoredVideoHashes?, reference: StoredVideoHashes?, count: Int) -> [ReportDocument.FramePair] {
        guard let query, let reference, !reference.frames.isEmpty, count > 0 else { return [] }
        let inSpan = query.frames.filter { $0.timestamp >= segment.queryStart - 1e-9 && $0.timestamp < segment.queryEnd - 1e-9 }
        let usable = inSpan.filter { $0.quality >= 50 }
        let candidates = usable.isEmpty ? inSpan : usable
        let queryRegions = byTime(query.regionFrames), queryPictures = byTime(query.pictureFrames)
        let referenceRegions = byTime(reference.regionFrames), referencePictures = byTime(reference.pictureFrames)
        let referenceTimes = reference.frames.map(\.timestamp)
        var out: [ReportDocument.FramePair] = []
        for index in spread(candidates.count, count: count) {
            let q = candidates[index]
            var lineTime = segment.referenceStart + segment.slope * (q.timestamp - segment.queryStart)
            lineTime = min(max(lineTime, min(segment.referenceStart, segment.referenceEnd)), max(segment.referenceStart, segment.referenceEnd))
            let after = firstIndex(atOrAfter: lineTime, in: referenceTimes)
            let neighbours = [after - 1, after].filter { $0 >= 0 && $0 < reference.frames.count }.map { reference.frames[$0] }
            var best: (distance: Int, kind: ReportDocument.HashKind, frame: FrameHash)?
            for r in neighbours {
                let (distance, kind) = closest(query: q, queryRegion: queryRegions[q.timestamp], queryPicture: queryPictures[q.timestamp],
                                               reference: r, referenceRegion: referenceRegions[r.timestamp],
                                               referencePicture: referencePictures[r.timestamp], turn: segment.transform.orientation)
                if best == nil || distance < best!.distance { best = (distance, kind, r) }
            }
            guard let best else { continue }
            out.append(ReportDocument.FramePair(
                query: ReportDocument.Thumbnail(fileID: query.file.id, time: q.timestamp, image: nil),
                reference: ReportDocument.Thumbnail(fileID: reference.file.id, time: best.frame.timestamp, image: nil),
                distance: best.distance, kind: best.kind))
        }
        return out
    }

    /// `count` indices spread evenly over 0..<n, first and last included (all of them when n ≤ count).
    static func spread(_ n: Int, count: Int) -> [Int] {
        guard n > 0, count > 0 else { return [] }
        if n <= count { return Array(0..<n) }
        if count == 1 { return [0] }
        var picked: [Int] = []
        for k in 0..<count {
            let index = Int((Double(k) * Double(n - 1) / Double(count - 1)).rounded())
            if picked.last != index { picked.append(index) }
        }
        return picked
    }

    /// The smallest distance among the two frames' hashes, and which hashes gave it.
    static func closest(query q: FrameHash, queryRegion: FrameHash?, queryPicture: FrameHash?,
                        reference r: FrameHash, referenceRegion: FrameHash?, referencePicture: FrameHash?,
                        turn: Orientation = .none) -> (Int, ReportDocument.HashKind) {
        enum Side { case whole, region, picture }
        let querySides: [(Side, FrameHash)] = [(.whole, q)] + (queryRegion.map { [(.region, $0)] } ?? []) + (queryPicture.map { [(.picture, $0)] } ?? [])
        let referenceSides: [(Side, FrameHash)] = [(.whole, r)] + (referenceRegion.map { [(.region, $0)] } ?? []) + (referencePicture.map { [(.picture, $0)] } ?? [])
        var best = (Int.max, ReportDocument.HashKind.wholeFrame)
        for (qs, qh) in querySides {
            for (rs, rh) in referenceSides {
                let side: Side = qs == .region || rs == .region ? .region : (qs == .picture || rs == .picture ? .picture : .whole)
                for mirrored in [false, true] {
                    let d = (mirrored ? qh.mirrorHash : qh.hash).distance(to: rh.hash)
                    let kind: ReportDocument.HashKind
                    switch (side, mirrored) {
                    case (.whole, false): kind = .wholeFrame
                    case (.region, false): kind = .region
                    case (.picture, false): kind = .picture
                    case (.whole, true): kind = .mirror
                    case (.region, true): kind = .mirrorRegion
                    case (.picture, true): kind = .mirrorPicture
                    }
                    // Plain before mirrored and whole before cropped on a tie: the simplest explanation.
                    if d < best.0 { best = (d, kind) }
                }
                // A turned segment: the query's hash with the turn undone (after the unturned ones).
                if turn.isRotated, let p = qh.probe(undoing: turn) {
                    let d = p.distance(to: rh.hash)
                    let kind: ReportDocument.HashKind = side == .whole ? .turned : (side == .region ? .turnedRegion : .turnedPicture)
                    if d < best.0 { best = (d, kind) }
                }
            }
        }
        return best
    }

    static func byTime(_ frames: [FrameHash]) -> [Double: FrameHash] {
        var out: [Double: FrameHash] = [:]
        for f in frames { out[f.timestamp] = f }
        return out
    }

    static func firstIndex(atOrAfter time: Double, in times: [Double]) -> Int {
        var low = 0, high = times.count
        while low < high {
            let mid = (low + high) / 2
            if times[mid] < time { low = mid + 1 } else { high = mid }
        }
        return low
    }
}
