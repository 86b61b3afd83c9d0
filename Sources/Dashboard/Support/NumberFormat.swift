import Foundation

/// How the dashboard writes numbers in tables, status lines and the plain
/// progress log: short, fixed rules, so columns stay narrow and a glance
/// tells magnitudes apart.
enum NumberFormat {
  /// Losses and ratios: three significant digits, decimal between 0.01 and
  /// 10 000 (`0.0342`, `12.3`, `4560`), scientific outside (`1.23e-5`,
  /// `4.5e7`); `nan`, `inf`, `-inf` for non-finite values.
  static func value(_ v: Double) -> String {
    if v.isNaN { return "nan" }
    if v.isInfinite { return v > 0 ? "inf" : "-inf" }
    if v == 0 { return "0" }
    let a = abs(v)
    if a >= 0.01 && a < 10_000 {
      let decimals = max(0, 2 - Int(Foundation.log10(a).rounded(.down)))
      return trimmed(String(format: "%.\(decimals)f", v))
    }
    var text = String(format: "%.2e", v)
    // 1.20e-05 → 1.2e-5
    if let e = text.firstIndex(of: "e") {
      let mantissa = trimmed(String(text[..<e]))
      var exponent = String(text[text.index(after: e)...])
      let sign = exponent.hasPrefix("-") ? "-" : ""
      exponent = String(exponent.drop { $0 == "+" || $0 == "-" || $0 == "0" })
      text = mantissa + "e" + sign + (exponent.isEmpty ? "0" : exponent)
    }
    return text
  }

  /// A rate or order with a fixed number of decimals, or `—` when absent.
  /// Magnitudes of 1000 and more (a diverged racer's μ of 6.3e13) fall back
  /// to ``value(_:)``'s at most eight characters, so one wild estimate
  /// cannot widen a column and break the table's alignment.
  static func fixed(_ v: Double?, decimals: Int) -> String {
    guard let v else { return "—" }
    guard v.isFinite, abs(v) < 1000 else { return value(v) }
    // Too small for the decimals (a rate of 1e-300 is not "0.000").
    if v != 0, abs(v) < 0.5 * Foundation.pow(10, -Double(decimals)) { return value(v) }
    return String(format: "%.\(decimals)f", v)
  }

  /// Seconds per step with a unit and three significant digits: `820ns`,
  /// `12.3µs`, `4.56ms`, `1.20s`; `—` when unknown.
  static func seconds(_ v: Double) -> String {
    guard v.isFinite, v >= 0 else { return "—" }
    let (scaled, unit): (Double, String) =
      v < 1e-6 ? (v * 1e9, "ns") : v < 1e-3 ? (v * 1e6, "µs") : v < 1 ? (v * 1e3, "ms") : (v, "s")
    let digits = scaled < 10 ? "%.2f" : scaled < 100 ? "%.1f" : "%.0f"
    return String(format: digits, scaled) + unit
  }

  /// A racer's step size: its learning rate (`0.01`, `3.16e-3`) when it
  /// has one, else the race's label for how the step is set (`1/L` for
  /// ISTA and FISTA, `learned` for a learned optimizer).
  static func step(rate: Float?, label: String) -> String {
    guard let rate else { return label }
    // Through the Float's shortest decimal, so 0.01f prints as 0.01 and not
    // as the 0.00999… a widening to Double gives.
    return value(Double(String(rate)) ?? Double(rate))
  }

  /// `12:34` or `1:02:03` for seconds of elapsed time.
  static func duration(_ seconds: Double) -> String {
    guard seconds.isFinite, seconds >= 0 else { return "—" }
    let total = Int(seconds)
    let (h, m, s) = (total / 3600, total / 60 % 60, total % 60)
    return h > 0 ? String(format: "%d:%02d:%02d", h, m, s) : String(format: "%d:%02d", m, s)
  }

  /// Integers with thin grouping: `12,345`.
  static func count(_ n: Int) -> String {
    let digits = String(abs(n))
    var groups: [Substring] = []
    var end = digits.endIndex
    while end > digits.startIndex {
      let start = digits.index(end, offsetBy: -3, limitedBy: digits.startIndex) ?? digits.startIndex
      groups.insert(digits[start..<end], at: 0)
      end = start
    }
    return (n < 0 ? "-" : "") + groups.joined(separator: ",")
  }

  /// Drops trailing zeros of a decimal (`1.50` → `1.5`, `2.00` → `2`).
  private static func trimmed(_ text: String) -> String {
    guard text.contains("."), !text.contains("e") else { return text }
    var result = text
    while result.hasSuffix("0") { result.removeLast() }
    if result.hasSuffix(".") { result.removeLast() }
    return result
  }
}
