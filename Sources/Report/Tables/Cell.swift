import Foundation

/// How numbers appear in the report's cells: four significant digits, in
/// exponent form outside [10⁻³, 10⁵), and words instead of NaN/∞, so
/// Markdown and CSV carry the same text and pandas reads numbers as numbers.
public enum Cell {
  /// The text of a value that does not exist (an estimate with nothing to
  /// measure, a contender that did not race).
  public static let missing = "—"

  /// A number with four significant digits ("nan", "inf" when not finite).
  public static func number(_ value: Double) -> String {
    guard value.isFinite else { return value.isNaN ? "nan" : (value > 0 ? "inf" : "-inf") }
    if value == 0 { return "0" }
    let magnitude = abs(value)
    return magnitude >= 1e-3 && magnitude < 1e5 ? String(format: "%.4g", value) : String(format: "%.3e", value)
  }

  /// An optional number, "—" when absent (an estimate that had nothing to
  /// measure).
  public static func number(_ value: Double?, digits: Int) -> String {
    guard let value else { return missing }
    guard value.isFinite else { return number(value) }
    return String(format: "%.\(digits)f", value)
  }
}
