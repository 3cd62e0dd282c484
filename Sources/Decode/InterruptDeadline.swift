import CFFmpeg
import KeyprintModel

/// The deadline as FFmpeg's interrupt callback reads it: one Int64 (CLOCK_MONOTONIC
/// nanoseconds, 0 for none) at a stable address for as long as the format context that points
/// to it lives. Allocated here and freed in `deinit`; `FormatContext` holds it.
final class InterruptDeadline {
    let pointer: UnsafeMutablePointer<Int64>

    init(_ deadline: Deadline) {
        pointer = .allocate(capacity: 1)
        pointer.initialize(to: deadline.budget == nil ? 0 : deadline.monotonicNanoseconds)
    }

    deinit { pointer.deallocate() }
}
