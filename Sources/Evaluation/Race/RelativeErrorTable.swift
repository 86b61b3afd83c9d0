/// The mean over held-out instances of the relative error (f(θ_t) − r)/r at
/// chosen steps t, for every racer of a race — the figure sparse coding
/// papers report, which a race's table (mean f − r, a ratio of means) does
/// not. It reads ``RacerTrace/meanRelativeError``, so it costs no extra run.
public struct RelativeErrorTable: Sendable {
  /// The steps at which errors are read, ascending (those the race reached).
  public let checkpoints: [Int]
  /// One row per racer: its name and the mean relative error at each
  /// checkpoint (NaN once it diverged).
  public let rows: [(name: String, errors: [Double])]
  /// Held-out instances used.
  public let instances: Int

  /// The table of `result` at `checkpoints` (steps beyond the race dropped).
  public init(result: RaceResult, checkpoints: [Int]) {
    let checkpoints = Array(Set(checkpoints.filter { $0 >= 0 && $0 <= result.configuration.steps })).sorted()
    self.checkpoints = checkpoints
    instances = result.configuration.instances
    rows = result.traces.map { trace in
      (trace.name, checkpoints.map { $0 < trace.meanRelativeError.count ? trace.meanRelativeError[$0] : .nan })
    }
  }

  /// A Markdown table: one row per racer, one column per checkpoint.
  public var markdown: String {
    var text = "| optimizer | " + checkpoints.map { "t = \($0)" }.joined(separator: " | ") + " |\n"
    text += "|---|" + checkpoints.map { _ in "---:" }.joined(separator: "|") + "|\n"
    for row in rows {
      text += "| \(row.name) | " + row.errors.map { Self.format($0) }.joined(separator: " | ") + " |\n"
    }
    return text
  }

  static func format(_ value: Double) -> String {
    guard value.isFinite else { return "nan" }
    let digits = value == 0 ? "0" : String(describing: (value * 1000).rounded() / 1000)
    let magnitude = abs(value)
    if magnitude != 0, magnitude < 1e-2 || magnitude >= 1e4 {
      // Scientific notation with three significant digits, without Foundation.
      var exponent = 0
      var mantissa = magnitude
      while mantissa >= 10 { mantissa /= 10; exponent += 1 }
      while mantissa < 1 { mantissa *= 10; exponent -= 1 }
      let rounded = (mantissa * 100).rounded() / 100
      return "\(value < 0 ? "-" : "")\(rounded)e\(exponent)"
    }
    return digits
  }
}
