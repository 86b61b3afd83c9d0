/// Compact tick labels: `0`, `0.25`, `2.5`, `1k`, `2.5M`, `1e-3`.
///
/// Axis labels live in a margin a few columns wide, so they use the fewest
/// characters that still tell ticks apart:
/// - |v| ≥ 1000 uses SI suffixes k, M, G, T (`1k`, `1.2k`, `2.5M`);
///   from 10¹⁵ on, scientific notation (`1e15`).
/// - 0.01 ≤ |v| < 1000 is written in decimal (`0.01`, `0.2`, `2.5`, `120`).
/// - |v| < 0.01 uses scientific notation without padding (`1e-3`,
///   `2.5e-4`), which is shorter than `0.001`.
/// Trailing zeros are dropped. With a `step` (linear ticks) the label keeps
/// as many decimals as the step needs, so `1.05` and `1.1` stay distinct;
/// without one (log ticks) three significant digits are kept.
public enum TickLabel {
  public static func format(_ value: Double, step: Double? = nil) -> String {
    if value.isNaN { return "nan" }
    if value.isInfinite { return value > 0 ? "inf" : "-inf" }
    let a = abs(value)
    if a == 0 || (step.map { a < abs($0) * 1e-9 } ?? false) { return "0" }
    let sign = value < 0 ? "-" : ""
    if a >= 1e15 || a < 0.01 { return sign + scientific(a, step: step) }
    if a >= 1000 {
      let group = min(4, Int(PlatformMath.log10(a) / 3 + 1e-12))
      let divisor = PlatformMath.exp10(3 * group)
      let suffix = ["", "k", "M", "G", "T"][group]
      let scaled = a / divisor
      let decimals = step.map { stepDecimals($0 / divisor) } ?? significantDecimals(scaled)
      return sign + fixed(scaled, decimals: decimals) + suffix
    }
    let decimals = step.map(stepDecimals) ?? significantDecimals(a)
    return sign + fixed(a, decimals: decimals)
  }

  /// `m e k` with m rounded to three significant digits (or to the step).
  private static func scientific(_ a: Double, step: Double?) -> String {
    var exponent = Int(PlatformMath.log10(a).rounded(.down))
    var mantissa = a / PlatformMath.exp10(exponent)
    if mantissa >= 10 {
      mantissa /= 10
      exponent += 1
    }
    var decimals = step.map { stepDecimals($0 / PlatformMath.exp10(exponent)) } ?? 2
    decimals = min(decimals, 2)
    var text = fixed(mantissa, decimals: decimals)
    if text == "10" {
      text = "1"
      exponent += 1
    }
    return "\(text)e\(exponent)"
  }

  /// Decimals needed for three significant digits of `a` (0.01 ≤ a < 1000).
  private static func significantDecimals(_ a: Double) -> Int {
    max(0, 2 - Int(PlatformMath.log10(a).rounded(.down)))
  }

  /// The fewest decimals (up to 6) that write `step` exactly.
  private static func stepDecimals(_ step: Double) -> Int {
    var scaled = abs(step)
    for d in 0...6 {
      if abs(scaled - scaled.rounded()) <= 1e-6 * max(1, scaled) { return d }
      scaled *= 10
    }
    return 6
  }

  /// `a ≥ 0` rounded to `decimals` places, trailing zeros (and a bare
  /// decimal point) removed.
  private static func fixed(_ a: Double, decimals: Int) -> String {
    let scale = PlatformMath.exp10(decimals)
    let units = UInt64((a * scale).rounded())
    var digits = String(units)
    guard decimals > 0 else { return digits }
    if digits.count <= decimals {
      digits = String(repeating: "0", count: decimals - digits.count + 1) + digits
    }
    var integer = String(digits.dropLast(decimals))
    var fraction = String(digits.suffix(decimals))
    while fraction.hasSuffix("0") { fraction.removeLast() }
    if integer.isEmpty { integer = "0" }
    return fraction.isEmpty ? integer : integer + "." + fraction
  }
}
