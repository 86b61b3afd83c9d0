/// A race as a table of one row per racer per step — the `mnemo race
/// --format csv` layout, and what a session's `race.csv` holds.
extension RaceResult {
  /// The columns, in order.
  public static let csvHeader = [
    "optimizer", "learning_rate", "step", "mean_loss", "geometric_mean_loss", "mean_error", "gradient_norm",
    "update_norm",
  ]

  /// The rows; NaN (after divergence, or the last step's update) is an empty
  /// field, as pandas reads a missing value.
  public var csvTable: CSVTable {
    // Swift prints the shortest text that reads back as the same Double.
    func field(_ value: Double) -> String {
      value.isNaN ? "" : String(value)
    }
    var rows: [[String]] = []
    for trace in traces {
      let rate = trace.learningRate.map { String($0) } ?? ""
      for t in trace.meanLoss.indices {
        rows.append([
          trace.name, rate, String(t), field(trace.meanLoss[t]), field(trace.geometricMeanLoss[t]),
          field(trace.meanError[t]), field(trace.gradientNorm[t]),
          t < trace.updateNorm.count ? field(trace.updateNorm[t]) : "",
        ])
      }
    }
    return CSVTable(header: Self.csvHeader, rows: rows)
  }
}
