import KeyprintModel

extension VideoFrames {
    /// Where the video's sampled time ends (`sampledEnd(times:)`); 0 without frames.
    var sampledEnd: Double {
        frames.isEmpty ? 0 : sampledEnd(times: frames.map(\.timestamp))
    }

    /// Where the video's sampled time ends, given its frames' timestamps `times` (not empty):
    /// its duration when known (and not before its last sample, at most one sampling interval
    /// after it), else its last sample + one sampling interval.
    func sampledEnd(times: [Double]) -> Double {
        let last = times[times.count - 1]
        if let d = duration, d.isFinite, d > last { return min(d, last + Self.typicalInterval(times)) }
        return last + Self.typicalInterval(times)
    }

    /// The median spacing of sample times (1 s when there is only one sample).
    static func typicalInterval(_ times: [Double]) -> Double {
        guard times.count >= 2 else { return 1 }
        let gaps = zip(times, times.dropFirst()).map { $1 - $0 }.sorted()
        return gaps[gaps.count / 2]
    }
}
