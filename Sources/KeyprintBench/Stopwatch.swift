/// Wall-clock timing of one block, in seconds.
func measure<T>(_ body: () -> T) -> (T, Double) {
    let clock = ContinuousClock()
    var result: T?
    let elapsed = clock.measure { result = body() }
    let c = elapsed.components
    return (result!, Double(c.seconds) + Double(c.attoseconds) * 1e-18)
}

func fixed(_ value: Double, _ decimals: Int) -> String {
    var scale = 1.0
    for _ in 0..<decimals { scale *= 10 }
    let n = Int64((abs(value) * scale).rounded())
    let whole = n / Int64(scale), frac = n % Int64(scale)
    let fracText = decimals == 0 ? "" : "." + String(repeating: "0", count: decimals - String(frac).count) + String(frac)
    return (value < 0 && n != 0 ? "-" : "") + String(whole) + fracText
}
