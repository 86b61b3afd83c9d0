import Dispatch
import Evaluation
import Foundation
import MetaLearning
import Optimizees

/// An experiment's race turned into its table row per contender and its
/// loss-curve chart.
struct ExperimentTable {
  let experiment: Experiment
  let result: RaceResult
  /// The held-out instances, as sampled.
  let instances: [any Problem]
  let entries: [ContenderEntry]
  let testExamples: Int?

  /// The table: contender, step size, the metrics' columns, status.
  func table() -> ReportTable {
    let header = ["contender", "step size"] + experiment.metrics.flatMap(\.columns) + ["status"]
    let summaries = result.summaries()
    var rows: [[String]] = []
    for entry in entries {
      var row = [entry.name, entry.stepText]
      guard let index = entry.trace else {
        row += experiment.metrics.flatMap(\.columns).map { _ in Cell.missing }
        row.append(entry.status ?? "not raced")
        rows.append(row)
        continue
      }
      let trace = result.traces[index]
      let summary = summaries[index]
      let final = trace.finalParameters.map { finalMeasures($0) }
      for metric in experiment.metrics {
        switch metric {
        case .meanLoss: row.append(Cell.number(summary.finalMeanLoss))
        case .geometricMeanLoss: row.append(Cell.number(summary.finalGeometricMeanLoss))
        case .convergence:
          row.append(Cell.number(summary.estimates.linearRate, digits: 4))
          row.append(Cell.number(summary.estimates.order, digits: 2))
        case .relativeError: row.append(Cell.number(final?.relativeError ?? .nan))
        case .support:
          row.append(Cell.number(final?.precision, digits: 3))
          row.append(Cell.number(final?.recall, digits: 3))
          row.append(Cell.number(final?.f1, digits: 3))
        case .nmse: row.append(Cell.number(final?.nmse, digits: 2))
        case .testLoss:
          row.append(Cell.number(final?.testLoss ?? .nan))
          row.append(Cell.number(final?.testAccuracy, digits: 4))
        }
      }
      row.append(trace.divergedAt.map { "diverged at step \($0)" } ?? "ok")
      rows.append(row)
    }
    let notes = [
      "\(experiment.instances) held-out instance\(experiment.instances == 1 ? "" : "s"), \(experiment.steps) steps, seed \(result.configuration.seed); "
        + "mean optimum r = \(Cell.number(result.meanOptimum)). CSV: [\(experiment.id).csv](\(experiment.id).csv)."
    ]
    return ReportTable(id: experiment.id, title: experiment.title, header: header, rows: rows, notes: notes)
  }

  /// Each instance measured at its θ_T (in parallel: MNIST test-split
  /// passes dominate), then each measure averaged over the instances that
  /// have it (nil where none does).
  func finalMeasures(_ parameters: [[Float]]) -> InstanceMeasures {
    let count = min(parameters.count, instances.count)
    guard count > 0 else { return InstanceMeasures() }
    let metrics = experiment.metrics
    var perInstance = [InstanceMeasures](repeating: InstanceMeasures(), count: count)
    let instances = self.instances
    let testExamples = self.testExamples
    perInstance.withUnsafeMutableBufferPointer { buffer in
      // Safe: iteration i writes only element i, and the buffer outlives
      // concurrentPerform, which returns after every iteration.
      nonisolated(unsafe) let out = buffer
      DispatchQueue.concurrentPerform(iterations: count) { i in
        out[i] = InstanceMeasures.measure(
          instances[i], at: parameters[i], metrics: metrics, testExamples: testExamples)
      }
    }
    func mean(_ values: [Double?]) -> Double? {
      let present = values.compactMap { $0 }
      return present.isEmpty ? nil : present.reduce(0, +) / Double(present.count)
    }
    return InstanceMeasures(
      relativeError: mean(perInstance.map(\.relativeError)), precision: mean(perInstance.map(\.precision)),
      recall: mean(perInstance.map(\.recall)), f1: mean(perInstance.map(\.f1)), nmse: mean(perInstance.map(\.nmse)),
      testLoss: mean(perInstance.map(\.testLoss)), testAccuracy: mean(perInstance.map(\.testAccuracy)))
  }

  /// The loss curves on a log axis: the mean error f − r when the problems
  /// have a positive optimum (sparse coding, where the loss flattens at r),
  /// else the geometric-mean loss.
  func chart(problemLabel: String) -> SVGLineChart {
    let useError = result.meanOptimum > 0
    let series = result.traces.map { trace in
      PlotSeries(name: trace.name, values: useError ? trace.meanError : trace.geometricMeanLoss)
    }
    let quantity = useError ? "mean error f − r" : "geometric-mean loss"
    return SVGLineChart(
      title: "\(problemLabel): \(experiment.instances) held-out instance\(experiment.instances == 1 ? "" : "s"), "
        + "\(experiment.steps) steps",
      xLabel: "step", yLabel: quantity, series: series)
  }
}

/// The final-iterate measures of one instance (nil where not applicable),
/// or their means over a race's instances.
struct InstanceMeasures: Sendable {
  var relativeError: Double?
  var precision: Double?
  var recall: Double?
  var f1: Double?
  var nmse: Double?
  var testLoss: Double?
  var testAccuracy: Double?

  static func measure(
    _ instance: any Problem, at theta: [Float], metrics: [Metric], testExamples: Int?
  ) -> InstanceMeasures {
    var measures = InstanceMeasures()
    guard theta.count == instance.dimension else { return measures }
    if metrics.contains(.relativeError) {
      var problem = instance
      let value = theta.allSatisfy(\.isFinite) ? Double(problem.objective(at: theta)) : .nan
      measures.relativeError = FinalIterateMetrics.relativeError(value: value, optimum: Double(problem.optimum))
    }
    if let sparse = instance as? SparseCodingProblem {
      if metrics.contains(.support) {
        let recovery = FinalIterateMetrics.support(estimate: theta, truth: sparse.trueCode)
        measures.precision = recovery.precision
        measures.recall = recovery.recall
        measures.f1 = recovery.f1
      }
      if metrics.contains(.nmse) {
        measures.nmse = FinalIterateMetrics.nmseDecibels(estimate: theta, truth: sparse.trueCode)
      }
    }
    if metrics.contains(.testLoss), let network = instance as? any MNISTClassifierProblem {
      if theta.allSatisfy(\.isFinite) {
        let evaluation = network.evaluate(at: theta, split: .test, examples: testExamples)
        measures.testLoss = Double(evaluation.meanLoss)
        measures.testAccuracy = Double(evaluation.accuracy)
      } else {
        measures.testLoss = .nan
      }
    }
    return measures
  }
}
