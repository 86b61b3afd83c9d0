import Sessions
/// A race as a table of one row per racer per step — the `mnemo race
/// --format csv` layout, and what a session's `race.csv` holds.
extension RaceResult {
  /// The columns, in order.
  ///
  /// After the original eight: `optimum` (the mean optimum r over the
  /// instances, the same for every racer, so f − r can be recomputed),
  /// `mean_relative_error` (the mean over instances of (f − r)/r; empty where
  /// some r ≤ 0 makes it undefined), `loss_std` (the spread of f over the
  /// instances), `step_seconds` (the measured wall time of the update from
  /// this step) and `flops_per_step` (the rule's estimated count, constant
  /// per racer). Readers find columns by name, so older tables still read.
  public static let csvHeader = [
    "optimizer", "learning_rate", "step", "mean_loss", "geometric_mean_loss", "mean_error", "gradient_norm",
    "update_norm", "optimum", "mean_relative_error", "loss_std", "step_seconds", "flops_per_step",
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
      let flops = trace.flopsPerStep.map { String($0) } ?? ""
      func entry(_ values: [Double], _ t: Int) -> String { t < values.count ? field(values[t]) : "" }
      for t in trace.meanLoss.indices {
        rows.append([
          trace.name, rate, String(t), field(trace.meanLoss[t]), field(trace.geometricMeanLoss[t]),
          field(trace.meanError[t]), field(trace.gradientNorm[t]), entry(trace.updateNorm, t),
          field(meanOptimum), entry(trace.meanRelativeError, t), entry(trace.lossStandardDeviation, t),
          entry(trace.stepSeconds, t), flops,
        ])
      }
    }
    return CSVTable(header: Self.csvHeader, rows: rows)
  }
}
