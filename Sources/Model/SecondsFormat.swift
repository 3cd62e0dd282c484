/// Seconds as Keyprint prints them.

/// Whole seconds without decimals, others with three.
package func formatSeconds(_ s: Double) -> String {
    s == s.rounded() ? String(Int(s)) : String(format3(s))
}

/// Seconds with three decimals, locale-independent (vPDQ's timestamp format).
package func format3(_ value: Double) -> String {
    let negative = value < 0
    let millis = Int64((abs(value) * 1000).rounded())
    let whole = millis / 1000
    let frac = millis % 1000
    let fracText = String(frac)
    return (negative && millis != 0 ? "-" : "") + String(whole) + "." + String(repeating: "0", count: 3 - fracText.count) + fracText
}
