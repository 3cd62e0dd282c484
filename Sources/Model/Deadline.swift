#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The end of one file's time budget, on the monotonic clock. Made once when a file's
/// processing starts and passed down to every step (opening, custody hashing, decoding), so
/// that the budget covers them all. A value: it may cross tasks; `nil` budget never passes.
public struct Deadline: Sendable, Equatable {
    /// The budget in seconds, for messages; nil for none.
    public let budget: Double?
    /// CLOCK_MONOTONIC nanoseconds at which the budget runs out; 0 for none.
    public let monotonicNanoseconds: Int64

    /// A deadline `budget` seconds from now (none when `budget` is nil).
    public init(budget: Double?) {
        self.budget = budget
        if let budget {
            let span = budget * 1e9
            monotonicNanoseconds = Self.now() &+ (span >= Double(Int64.max / 2) ? Int64.max / 2 : Int64(max(1, span)))
        } else {
            monotonicNanoseconds = 0
        }
    }

    /// No budget.
    public static let none = Deadline(budget: nil)

    public var hasPassed: Bool { budget != nil && Self.now() > monotonicNanoseconds }

    /// CLOCK_MONOTONIC in nanoseconds.
    public static func now() -> Int64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec)
    }
}

/// Thrown by a step that stopped because its `Deadline` passed.
public struct DeadlineExceeded: Error, Sendable, Equatable, CustomStringConvertible {
    public var seconds: Double
    public init(seconds: Double) { self.seconds = seconds }
    public var description: String { "per-file time budget of \(formatSeconds(seconds)) s exceeded" }
}
