import Foundation

/// Lets a signal handler installed before a task exists cancel that task: a cancellation that
/// arrives before `attach` is remembered and applied when the task is attached.
final class PendingCancellation: @unchecked Sendable {
    private let lock = NSLock()
    private var cancelTask: (@Sendable () -> Void)?
    private var requested = false

    func attach<Success, Failure>(_ task: Task<Success, Failure>) {
        let early = lock.withLock { () -> Bool in
            cancelTask = { task.cancel() }
            return requested
        }
        if early { task.cancel() }
    }

    func cancel() {
        let action = lock.withLock { () -> (@Sendable () -> Void)? in
            requested = true
            return cancelTask
        }
        action?()
    }
}
