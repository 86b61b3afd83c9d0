import Foundation

/// A base-10 logarithmic axis over whole decades: the range is widened to
/// [10^lo, 10^hi] with integers lo < hi, and ticks sit on every decade (or
/// every k-th when there are many), so a reader sees orders of magnitude —
/// how loss curves of optimizers are compared.
public struct LogAxis: Sendable, Equatable {
  /// The lowest decade exponent (the axis starts at 10^lower).
  public let lower: Int
  /// The highest decade exponent (the axis ends at 10^upper).
  public let upper: Int

  /// The smallest decade range holding every value in [minimum, maximum];
  /// both must be positive and finite. A range inside one decade still
  /// spans one full decade.
  public init(minimum: Double, maximum: Double) {
    precondition(minimum > 0 && maximum >= minimum && maximum.isFinite, "a log axis needs 0 < min ≤ max < ∞")
    var lo = Int(floor(log10(minimum)))
    var hi = Int(ceil(log10(maximum)))
    // log10 of an exact power of ten can land a hair off the integer.
    if pow(10, Double(lo + 1)) <= minimum { lo += 1 }
    if hi - 1 >= lo, pow(10, Double(hi - 1)) >= maximum { hi -= 1 }
    if hi <= lo { hi = lo + 1 }
    lower = lo
    upper = hi
  }

  /// The axis [10^lower, 10^upper] directly.
  public init(lower: Int, upper: Int) {
    precondition(upper > lower)
    self.lower = lower
    self.upper = upper
  }

  /// Decades spanned.
  public var decades: Int { upper - lower }

  /// The tick exponents: every decade when there are at most `maximumTicks`,
  /// else every k-th decade (k the smallest stride that fits), always
  /// including `lower`.
  public func tickExponents(maximumTicks: Int = 9) -> [Int] {
    let stride = max(1, Int((Double(decades) / Double(max(maximumTicks - 1, 1))).rounded(.up)))
    return Array(Swift.stride(from: lower, through: upper, by: stride))
  }

  /// Where `value` falls on the axis as a fraction: 0 at 10^lower, 1 at
  /// 10^upper (values outside the range fall outside [0, 1]).
  public func fraction(of value: Double) -> Double {
    (log10(value) - Double(lower)) / Double(decades)
  }
}
