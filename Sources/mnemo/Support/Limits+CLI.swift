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

  /// Fails when one meta-iteration's tape would not fit half the machine's
  /// memory. The estimate — 16 floats per hidden unit per layer per
  /// coordinate per unrolled step (gates, cell and hidden states, their
  /// adjoints) — is rough (the shipped quadratic LSTM: 16M floats); it
  /// only has to tell a runnable configuration from one that would die
  /// allocating (B = 4096 problems of 1,024 coordinates, 256 hidden units).
  static func requireTapeMemory(coordinates: Int, hidden: Int, layers: Int, unroll: Int) throws {
    var bytes = 16 * 4
    for factor in [coordinates, hidden, layers, unroll] {
      let (product, overflow) = bytes.multipliedReportingOverflow(by: factor)
      bytes = overflow ? Int.max : product
    }
    guard bytes > instanceMemoryBudget else { return }
    throw ValidationError(
      String(
        format: "one meta-iteration would need about %.1f GB (%d coordinates × %d hidden units × %d layers × %d steps), "
          + "more than half this machine's memory (%.1f GB); use a smaller --batch, --hidden or --unroll.",
        Double(bytes) / 1e9, coordinates, hidden, layers, unroll, Double(instanceMemoryBudget) / 1e9))
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
