import Evaluation
import MetaLearning
import Optimizers
import Sessions

/// Reads a race back from its table (a session's `race.csv`, the layout of
/// ``MetaLearning/RaceResult/csvTable``), for a dashboard that watches a
/// session another process writes.
///
/// The table keeps each racer's curves and learning rate; what it does not
/// keep is rebuilt: the mean optimum is `mean_loss − mean_error` at step 0
/// (exact while every instance is above its optimum, as at the start), a
/// racer without a rate steps by `1/L` unless it is learned (`lstm…`,
/// `dnc…`), and divergence is the first step whose loss is missing.
enum RaceTableReader {
  /// The race in `table`, or nil when it holds no racer (or is not a race
  /// table).
  static func race(from table: CSVTable, problemKey: String, seed: UInt64) -> RaceResult? {
    let columns = Dictionary(uniqueKeysWithValues: table.header.enumerated().map { ($0.element, $0.offset) })
    guard let name = columns["optimizer"], let rate = columns["learning_rate"], let step = columns["step"],
      let meanLoss = columns["mean_loss"], let geometric = columns["geometric_mean_loss"],
      let meanError = columns["mean_error"], let gradientNorm = columns["gradient_norm"],
      let updateNorm = columns["update_norm"]
    else { return nil }
    var traces: [RacerTrace] = []
    for row in table.rows where row.count == table.header.count {
      func value(_ column: Int) -> Double { Double(row[column]) ?? .nan }
      if traces.last?.name != row[name] || Int(row[step]) == 0 {
        let learningRate = Float(row[rate])
        // ISTA and FISTA record no rate: they step 1/L (learned racers
        // record none either, and have no step label).
        let oneOverL = OptimizerKind(rawValue: row[name]).map { OptimizerConfiguration(kind: $0).isProximalGradient }
        traces.append(
          RacerTrace(
            name: row[name], learningRate: learningRate,
            stepLabel: learningRate == nil && oneOverL == true ? "1/L" : nil))
      }
      let t = traces.count - 1
      traces[t].meanLoss.append(value(meanLoss))
      traces[t].geometricMeanLoss.append(value(geometric))
      traces[t].meanError.append(value(meanError))
      traces[t].gradientNorm.append(value(gradientNorm))
      if !row[updateNorm].isEmpty { traces[t].updateNorm.append(value(updateNorm)) }
      // The later columns, when the table has them (older tables do not).
      if let column = columns["mean_relative_error"], !row[column].isEmpty {
        traces[t].meanRelativeError.append(value(column))
      }
      if let column = columns["loss_std"], !row[column].isEmpty {
        traces[t].lossStandardDeviation.append(value(column))
      }
      if let column = columns["step_seconds"], !row[column].isEmpty { traces[t].stepSeconds.append(value(column)) }
      if let column = columns["flops_per_step"], let flops = Double(row[column]) { traces[t].flopsPerStep = flops }
      if traces[t].divergedAt == nil, !value(meanLoss).isFinite {
        traces[t].divergedAt = traces[t].meanLoss.count - 1
      }
    }
    guard let first = traces.first, !first.meanLoss.isEmpty else { return nil }
    let optima = traces.compactMap { trace -> Double? in
      guard let loss = trace.meanLoss.first, let error = trace.meanError.first, loss.isFinite, error.isFinite
      else {
        return nil
      }
      return loss - error
    }.sorted()
    let recorded = columns["optimum"].flatMap { column in table.rows.first.flatMap { Double($0[column]) } }
    let meanOptimum = recorded ?? (optima.isEmpty ? 0 : optima[optima.count / 2])
    let steps = (traces.map(\.meanLoss.count).max() ?? 1) - 1
    return RaceResult(
      problemKey: problemKey, configuration: RaceConfiguration(steps: steps, seed: seed),
      meanOptimum: meanOptimum,
      traces: traces)
  }
}
