import ArgumentParser
import Optimizees

/// The command line's side of ``Limits``: the same ranges the file readers
/// apply, with a message naming the option.
extension Limits {
  /// Fails unless `value` (when given) lies in `range`.
  static func require(_ option: String, _ value: Int?, in range: ClosedRange<Int>) throws {
    guard let value, !range.contains(value) else { return }
    throw ValidationError("\(option) must be in \(describe(range)), got \(value).")
  }

  /// Fails unless `value` (when given) is a finite number of seconds in
  /// ``duration`` (NaN passes `value <= 0`, so it is tested for).
  static func requireDuration(_ option: String, _ value: Double?) throws {
    guard let value else { return }
    guard value.isFinite, duration.contains(value) else {
      throw ValidationError("\(option) must be a positive number of seconds (at most a year), got \(value).")
    }
  }
}
