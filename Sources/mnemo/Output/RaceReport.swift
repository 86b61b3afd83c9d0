import Evaluation
import Foundation
import MetaLearning
import Report

/// A race's results in the three output formats.
struct RaceReport {
  let result: RaceResult
  let tolerance: Double

  private var summaries: [RacerSummary] {
    result.summaries(tolerance: .relative(tolerance))
  }

  /// Each learned racer paired with the best hand-designed one on the same
  /// instances (``PairedComparison``): empty when the race has no pair.
  func pairedTable() -> String {
    let comparisons = PairedComparison.learnedAgainstBestBaseline(in: result)
    guard let first = comparisons.first else { return "" }
    return "paired with \(first.reference) (the best hand-designed racer by mean final loss) on the same "
      + "\(first.instances) instances, step \(result.configuration.steps):\n" + Self.render(comparisons)
  }

  /// Every other learned racer paired with `reference` (the first
  /// session's, when a race has several): learned against learned on the
  /// same instances. Empty when there is nothing to pair.
  func headToHeadTable(reference: String) -> String {
    let comparisons = PairedComparison.learned(against: reference, in: result)
    guard let first = comparisons.first else { return "" }
    return "paired with \(reference) (the first --session) on the same \(first.instances) instances, "
      + "step \(result.configuration.steps):\n" + Self.render(comparisons)
  }

  private static func render(_ comparisons: [PairedComparison]) -> String {
    var rows = [["racer", "Δ final loss", "95% interval", "ratio", "lower on", "verdict"]]
    for c in comparisons {
      rows.append([
        c.racer, number(c.difference.mean), "[\(number(c.difference.lower)), \(number(c.difference.upper))]",
        number(c.ratio), "\(c.lower)/\(c.instances)", c.verdict,
      ])
    }
    return TextTable.render(rows)
  }

  /// The human-readable table: one row per racer, best first.
  func table() -> String {
    let configuration = result.configuration
    var output = "\(result.problemKey) — \(configuration.instances) held-out instances, "
      + "\(configuration.steps) steps, seed \(configuration.seed), mean optimum r = "
      + Self.number(result.meanOptimum) + "\n"
    var rows: [[String]] = [
      ["rank", "optimizer", "lr", "final loss", "log10", "geo-mean", "error f−r", "μ", "q", "α(λ=0)",
       "steps to \(Self.number(tolerance))·e₀", "time/step", "flop/step", "status"]
    ]
    let traces = Dictionary(result.traces.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    for summary in summaries.sorted(by: { ($0.rank == 0 ? Int.max : $0.rank) < ($1.rank == 0 ? Int.max : $1.rank) }) {
      let estimates = summary.estimates
      let trace = traces[summary.name]
      rows.append([
        summary.rank > 0 ? String(summary.rank) : "—", summary.name, summary.learningRate.map { Self.number(Double($0)) } ?? summary.stepLabel,
        Self.number(summary.finalMeanLoss),
        summary.finalMeanLoss > 0 ? String(format: "%.3f", log10(summary.finalMeanLoss)) : "—",
        Self.number(summary.finalGeometricMeanLoss), Self.number(summary.finalMeanError),
        estimates.linearRate.map { String(format: "%.4f", $0) } ?? "—",
        estimates.order.map { String(format: "%.2f", $0) } ?? "—",
        estimates.proposalOrder.map { String(format: "%.3f", $0) } ?? "—",
        estimates.stepsToTolerance.map(String.init) ?? "—",
        trace.map { Self.duration($0.meanStepSeconds) } ?? "—",
        trace?.flopsPerStep.map { Self.number($0) } ?? "—",
        summary.divergedAt.map { "diverged at \($0)" } ?? "ok",
      ])
    }
    output += TextTable.render(rows)
    output += "μ: linear rate (geometric mean of e_{t+1}/e_t over the last half); "
      + "q: order from three successive errors; α: the proposal's order estimate.\n"
      + "time/step: measured wall time of one update (mean over instances and steps, racers in parallel); "
      + "flop/step: the rule's estimated floating-point operations per update (the gradient not counted).\n"
    return output
  }

  /// One row per racer per step.
  func csv() -> String {
    result.csvTable.text
  }

  /// An array of records, one per racer per step (JSON has no NaN: null).
  ///
  /// Each record carries the mean optimum r (`optimum`), the mean relative
  /// error (f − r)/r (`mean_relative_error`, null where undefined), the
  /// spread of the loss (`loss_std`), the measured update time
  /// (`step_seconds`) and the estimated `flops_per_step`; a DNC racer whose
  /// memory was recorded (`--dnc-memory`) adds `dnc_memory` with M (slots ×
  /// width, row-major), usage, the write weighting and the mean read
  /// weighting per head after that step, and `components`, what each of a
  /// word's entries means, when the memory holds secant words.
  func json() -> String {
    var records: [String] = []
    let optimum = Self.jsonNumber(result.meanOptimum)
    func entry(_ values: [Double], _ t: Int) -> String { t < values.count ? Self.jsonNumber(values[t]) : "null" }
    func array(_ values: [Float]) -> String { "[" + values.map { Self.jsonNumber(Double($0)) }.joined(separator: ",") + "]" }
    func quoted(_ text: String) -> String {
      "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
    for trace in result.traces {
      let rate = trace.learningRate.map { Self.jsonNumber(Double($0)) } ?? "null"
      let name = quoted(trace.name)
      let flops = trace.flopsPerStep.map(Self.jsonNumber) ?? "null"
      for t in trace.meanLoss.indices {
        var record =
          "{\"optimizer\":\(name),\"learning_rate\":\(rate),\"step\":\(t),"
          + "\"mean_loss\":\(Self.jsonNumber(trace.meanLoss[t])),"
          + "\"geometric_mean_loss\":\(Self.jsonNumber(trace.geometricMeanLoss[t])),"
          + "\"mean_error\":\(Self.jsonNumber(trace.meanError[t])),"
          + "\"gradient_norm\":\(Self.jsonNumber(trace.gradientNorm[t])),"
          + "\"update_norm\":\(entry(trace.updateNorm, t)),"
          + "\"optimum\":\(optimum),\"mean_relative_error\":\(entry(trace.meanRelativeError, t)),"
          + "\"loss_std\":\(entry(trace.lossStandardDeviation, t)),"
          + "\"step_seconds\":\(entry(trace.stepSeconds, t)),\"flops_per_step\":\(flops)"
        if let history = trace.memoryHistory, t < history.count {
          let m = history[t]
          record +=
            ",\"dnc_memory\":{\"slots\":\(m.slots),\"width\":\(m.width),\"memory\":\(array(m.memory)),"
            + "\"usage\":\(array(m.usage)),\"write_weighting\":\(array(m.writeWeights)),"
            + "\"read_weightings\":[\(m.readWeights.map(array).joined(separator: ","))]"
            + (m.content.componentNames.map { ",\"components\":[" + $0.map(quoted).joined(separator: ",") + "]" } ?? "") + "}"
        }
        records.append(record + "}")
      }
    }
    return "[\n" + records.joined(separator: ",\n") + "\n]"
  }

  /// Seconds as `12.3µs`, `4.56ms` or `1.2s` (three significant digits).
  static func duration(_ seconds: Double) -> String {
    guard seconds.isFinite else { return "—" }
    let (value, unit): (Double, String) =
      seconds < 1e-6 ? (seconds * 1e9, "ns") : seconds < 1e-3 ? (seconds * 1e6, "µs") : seconds < 1 ? (seconds * 1e3, "ms") : (seconds, "s")
    return String(format: value < 10 ? "%.2f" : value < 100 ? "%.1f" : "%.0f", value) + unit
  }

  /// Table numbers as the report prints them (one format for both).
  static func number(_ value: Double) -> String { Cell.number(value) }

  static func jsonNumber(_ value: Double) -> String {
    value.isFinite ? String(format: "%.9g", value) : "null"
  }
}
