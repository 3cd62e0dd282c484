import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Catches SIGINT and SIGTERM through dispatch sources: the first calls `onFirst` (which
/// cancels the scan so that it stops cleanly); a second one exits at once with status 130.
/// Committed files are safe either way: each file is one transaction.
final class InterruptMonitor: @unchecked Sendable {
    private let queue = DispatchQueue(label: "keyprint.signals")
    private var sources: [DispatchSourceSignal] = []
    /// Only touched on `queue`.
    private var received = 0

    init(onFirst: @escaping @Sendable () -> Void) {
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: queue)
            source.setEventHandler { [unowned self] in
                self.received += 1
                if self.received == 1 {
                    onFirst()
                } else {
                    _exit(130)
                }
            }
            source.resume()
            sources.append(source)
        }
    }

    func stop() {
        queue.sync {
            for source in sources { source.cancel() }
            sources.removeAll()
        }
    }
}
