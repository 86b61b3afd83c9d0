import Foundation
import MetaLearning

/// A race's results in the three output formats.
struct RaceReport {
  let result: RaceResult
  let tolerance: Double

  private var summaries: [RacerSummary] {
    result.summaries(tolerance: .relative(tolerance))
  }

  /// The human-readable table: one row per racer, best first.
  func table() -> String {
    let configuration = result.configuration
    var output = "\(result.problemKey) — \(configuration.instances) held-out instances, "
      + "\(configuration.steps) steps, seed \(configuration.seed), mean optimum r = "
      + Self.number(result.meanOptimum) + "\n"
    var rows: [[String]] = [
      ["rank", "optimizer", "lr", "final loss", "log10", "geo-mean", "error f−r", "μ", "q", "α(λ=0)",
       "steps to \(Self.number(tolerance))·e₀", "status"]
    ]
    for summary in summaries.sorted(by: { $0.rank < $1.rank }) {
      let estimates = summary.estimates
      rows.append([
        String(summary.rank), summary.name, summary.learningRate.map { Self.number(Double($0)) } ?? summary.stepLabel,
        Self.number(summary.finalMeanLoss),
        summary.finalMeanLoss > 0 ? String(format: "%.3f", log10(summary.finalMeanLoss)) : "—",
        Self.number(summary.finalGeometricMeanLoss), Self.number(summary.finalMeanError),
        estimates.linearRate.map { String(format: "%.4f", $0) } ?? "—",
        estimates.order.map { String(format: "%.2f", $0) } ?? "—",
        estimates.proposalOrder.map { String(format: "%.3f", $0) } ?? "—",
        estimates.stepsToTolerance.map(String.init) ?? "—",
        summary.divergedAt.map { "diverged at \($0)" } ?? "ok",
      ])
    }
    output += TextTable.render(rows)
    output += "μ: linear rate (geometric mean of e_{t+1}/e_t over the last half); "
      + "q: order from three successive errors; α: the proposal's order estimate.\n"
    return output
  }

  /// One row per racer per step.
  func csv() -> String {
    result.csvTable.text
  }

  /// An array of records, one per racer per step (JSON has no NaN: null).
  func json() -> String {
    var records: [String] = []
    for trace in result.traces {
      let rate = trace.learningRate.map { Self.jsonNumber(Double($0)) } ?? "null"
      let name = trace.name.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
      for t in trace.meanLoss.indices {
        let update = t < trace.updateNorm.count ? Self.jsonNumber(trace.updateNorm[t]) : "null"
        records.append(
          "{\"optimizer\":\"\(name)\",\"learning_rate\":\(rate),\"step\":\(t),"
            + "\"mean_loss\":\(Self.jsonNumber(trace.meanLoss[t])),"
            + "\"geometric_mean_loss\":\(Self.jsonNumber(trace.geometricMeanLoss[t])),"
            + "\"mean_error\":\(Self.jsonNumber(trace.meanError[t])),"
            + "\"gradient_norm\":\(Self.jsonNumber(trace.gradientNorm[t])),"
            + "\"update_norm\":\(update)}")
      }
    }
    return "[\n" + records.joined(separator: ",\n") + "\n]"
  }

  static func number(_ value: Double) -> String {
    guard value.isFinite else { return value.isNaN ? "nan" : (value > 0 ? "inf" : "-inf") }
    if value == 0 { return "0" }
    let magnitude = abs(value)
    return magnitude >= 1e-3 && magnitude < 1e5 ? String(format: "%.4g", value) : String(format: "%.3e", value)
  }

  static func jsonNumber(_ value: Double) -> String {
    value.isFinite ? String(format: "%.9g", value) : "null"
  }
}
