/// Which decoded frames become samples.
public enum SamplingMode: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// Only key frames; the decoder discards everything else (fast triage path).
    case keyframes
    /// The first frame at or after every multiple of `seconds` of presentation time.
    case interval(seconds: Double)
    /// Every decoded frame (vPDQ's default, and the conformance mode).
    case allFrames

    public static let defaultInterval = SamplingMode.interval(seconds: 1.0)

    /// Denser than one frame a second: every frame, or intervals under 1 s. Such sampling hashes
    /// regions on a 1-s subset (`RegionHashing`) and reads PDQ luma from the Y plane by default
    /// (`DecodeOptions.exactVPDQLuma`).
    public var isDense: Bool {
        switch self {
        case .allFrames: return true
        case .interval(let s): return s < 1
        case .keyframes: return false
        }
    }

    public var description: String {
        switch self {
        case .keyframes: return "keyframes"
        case .interval(let s): return "every \(formatSeconds(s)) s"
        case .allFrames: return "all frames"
        }
    }

    /// A compact, parseable form for storage: `keyframes`, `every:1.0`, `all`.
    public var storageKey: String {
        switch self {
        case .keyframes: return "keyframes"
        case .interval(let s): return "every:\(s)"
        case .allFrames: return "all"
        }
    }

    public init?(storageKey: String) {
        switch storageKey {
        case "keyframes": self = .keyframes
        case "all": self = .allFrames
        default:
            guard storageKey.hasPrefix("every:"), let s = Double(storageKey.dropFirst(6)), s > 0 else { return nil }
            self = .interval(seconds: s)
        }
    }
}

/// Decides, frame by frame in presentation order, which frames are samples.
package struct IntervalSampler: Sendable {
    package let seconds: Double
    private var nextTarget: Double = 0

    package init(seconds: Double) { self.seconds = seconds }

    /// True when a frame at `time` (seconds from the stream start) is the first at or after the
    /// next multiple of the interval. Frames before the stream start never count.
    package mutating func accepts(time: Double) -> Bool {
        let epsilon = 1e-6
        guard time + epsilon >= nextTarget else { return false }
        nextTarget = ((time + epsilon) / seconds).rounded(.down) * seconds + seconds
        return true
    }

    /// The next presentation time that will be sampled.
    package var upcoming: Double { nextTarget }
}
