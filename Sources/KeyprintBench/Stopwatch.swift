import Foundation

/// Time spent by one block: wall clock and CPU time of the calling thread, in seconds. The
/// thread's CPU time is what "on one core" means and is robust to other work on the machine;
/// wall clock is shown beside it.
struct Timing {
    var wall: Double
    var cpu: Double
}

func threadCPUSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}

func measure<T>(_ body: () -> T) -> (T, Timing) {
    let clock = ContinuousClock()
    var result: T?
    let cpuStart = threadCPUSeconds()
    let elapsed = clock.measure { result = body() }
    let cpu = threadCPUSeconds() - cpuStart
    let c = elapsed.components
    return (result!, Timing(wall: Double(c.seconds) + Double(c.attoseconds) * 1e-18, cpu: cpu))
}

func fixed(_ value: Double, _ decimals: Int) -> String {
    var scale = 1.0
    for _ in 0..<decimals { scale *= 10 }
    let n = Int64((abs(value) * scale).rounded())
    let whole = n / Int64(scale), frac = n % Int64(scale)
    let fracText = decimals == 0 ? "" : "." + String(repeating: "0", count: decimals - String(frac).count) + String(frac)
    return (value < 0 && n != 0 ? "-" : "") + String(whole) + fracText
}
