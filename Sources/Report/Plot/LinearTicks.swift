import Foundation

/// "Nice" ticks for a linear axis: multiples of 1, 2 or 5 × 10^k chosen so
/// that at most a given number of ticks cover the range.
public enum LinearTicks {
  /// Tick values in [minimum, maximum], at most `maximumTicks` of them
  /// (at least the two ends of a degenerate range).
  public static func ticks(minimum: Double, maximum: Double, maximumTicks: Int = 8) -> [Double] {
    guard maximum > minimum, minimum.isFinite, maximum.isFinite else { return [minimum] }
    let rough = (maximum - minimum) / Double(max(maximumTicks - 1, 1))
    let magnitude = pow(10, floor(log10(rough)))
    let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= rough } ?? 10 * magnitude
    let first = (minimum / step).rounded(.up)
    let last = (maximum / step).rounded(.down)
    guard first <= last else { return [minimum] }
    return Swift.stride(from: first, through: last, by: 1).map { $0 * step }
  }

  /// A tick value as text: integers without a decimal point, else the
  /// shortest of a few fixed formats.
  static func label(_ value: Double) -> String {
    if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
    return String(format: "%g", value)
  }
}
