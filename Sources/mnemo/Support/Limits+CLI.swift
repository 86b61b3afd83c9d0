import ArgumentParser
import Foundation
import Optimizees

/// The command line's side of ``Limits``: the same ranges the file readers
/// apply, with a message naming the option.
extension Limits {
  /// Fails unless `value` (when given) lies in `range`.
  static func require(_ option: String, _ value: Int?, in range: ClosedRange<Int>) throws {
    guard let value, !range.contains(value) else { return }
    throw ValidationError("\(option) must be in \(describe(range)), got \(value).")
  }

  /// Fails when `count` instances of `problemClass` (what `option` asks
  /// for) would take more than ``instanceMemoryBudget``: said before
  /// sampling, instead of an allocation failure or a swapping machine.
  static func requireMemory(_ problemClass: any ProblemClass, count: Int, option: String) throws {
    guard let bytes = instanceMemory(problemClass, count: count), bytes > instanceMemoryBudget else { return }
    let gigabytes = { (value: Int) in String(format: "%.1f GB", Double(value) / 1e9) }
    throw ValidationError(
      "\(option) \(count) of \(problemClass.configurationKey) needs \(gigabytes(bytes)) for the instances, "
        + "more than half this machine's memory (\(gigabytes(instanceMemoryBudget))); use fewer or smaller instances.")
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
