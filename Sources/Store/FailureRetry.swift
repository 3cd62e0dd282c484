import KeyprintModel

/// When a failed file is tried again. A failure that is a property of the file's bytes (it
/// does not decode, it is not a video) is retried only when the file changes; a failure of the
/// circumstances (the time budget ran out, the file changed while it was read, it could not be
/// stored) is retried on a later scan.
public enum FailureRetry: Sendable, Equatable, CustomStringConvertible {
    /// Only when the file's size, time or content changes (or it is hashed under other settings).
    case whenChanged
    /// On the next scan, whatever changed.
    case nextScan
    /// When a scan's per-file time budget is larger than the one this failure ran out of (seconds).
    case budgetOver(Double)

    /// The stored form (`files.retry`): NULL, `next-scan`, `budget>600.0`.
    public var storageKey: String? {
        switch self {
        case .whenChanged: return nil
        case .nextScan: return "next-scan"
        case .budgetOver(let s): return "budget>\(s)"
        }
    }

    public init?(storageKey: String?) {
        guard let key = storageKey else { self = .whenChanged; return }
        if key == "next-scan" { self = .nextScan; return }
        if key.hasPrefix("budget>"), let s = Double(key.dropFirst(7)), s >= 0 { self = .budgetOver(s); return }
        return nil
    }

    /// Whether a scan whose per-file budget is `budget` (nil: none) tries the file again.
    public func retries(underBudget budget: Double?) -> Bool {
        switch self {
        case .whenChanged: return false
        case .nextScan: return true
        case .budgetOver(let s): return budget.map { $0 > s } ?? true
        }
    }

    public var description: String {
        switch self {
        case .whenChanged: return "when it changes"
        case .nextScan: return "on the next scan"
        case .budgetOver(let s): return "by a scan with a per-file time budget over \(formatSeconds(s)) s"
        }
    }
}
