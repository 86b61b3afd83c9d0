/// The headline numbers of one racer: final losses, convergence-rate
/// estimates on its mean error curve, and its rank.
public struct RacerSummary: Sendable, Codable, Equatable {
  /// The racer's name.
  public var name: String
  /// Its learning rate, if it has one.
  public var learningRate: Float?
  /// How its step size is set (a rate, `1/L`, `learned`).
  public var stepLabel: String
  /// Mean f(θ_T) over instances at the last step (the last finite value if
  /// it diverged).
  public var finalMeanLoss: Double
  /// Geometric mean of f(θ_T) over instances.
  public var finalGeometricMeanLoss: Double
  /// Mean error f(θ_T) − r.
  public var finalMeanError: Double
  /// μ, q, α and steps to tolerance on the mean error curve.
  public var estimates: ConvergenceEstimates
  /// 1 for the lowest final mean loss; diverged racers rank last; 0 (no
  /// rank) for a racer with no finite loss yet, which has nothing to rank.
  public var rank: Int
  /// The same ranking by the final geometric-mean loss, which a few slow
  /// instances cannot dominate (0: no rank).
  public var geometricRank: Int = 0
  /// Half-width of the 95 % interval on the final mean loss (1.96 σ/√n over
  /// the n instances); NaN when unknown.
  public var finalLossHalfWidth: Double = .nan
  /// The first step whose mean loss is at or below the best final mean loss
  /// of the hand-designed racers — "steps to match the best baseline", the
  /// comparison learned-optimizer papers read off their curves; nil when the
  /// racer never gets there or the race has no baseline.
  public var stepsToBestBaseline: Int?
  /// The measured mean wall time of one update (NaN before any step).
  public var secondsPerStep: Double = .nan
  /// The rule's estimated floating-point operations per update.
  public var flopsPerStep: Double?
  /// The step of divergence, if any.
  public var divergedAt: Int?
}

extension RaceResult {
  /// One summary per racer, in race order, with ranks assigned.
  ///
  /// The estimates read the mean error curve `e_t = mean_i (f_i(θ_t) − r_i)`;
  /// errors within a few Float ulps of the optimum count as converged (the
  /// curve's floor), so round-off does not pass for a rate.
  public func summaries(
    tolerance: ConvergenceTolerance = ConvergenceEstimates.defaultTolerance, lambda: Double = 0
  ) -> [RacerSummary] {
    let floor = max(ErrorCurve.float32Resolution(near: meanOptimum), 1e-30)
    var summaries = traces.map { trace in
      let errors = trace.meanError.prefix { !$0.isNaN }
      let curve = ErrorCurve(errors: Array(errors), floor: floor)
      return RacerSummary(
        name: trace.name, learningRate: trace.learningRate, stepLabel: trace.stepLabel,
        finalMeanLoss: trace.finalMeanLoss,
        finalGeometricMeanLoss: trace.geometricMeanLoss.last(where: { $0.isFinite }) ?? .nan,
        finalMeanError: trace.meanError.last(where: { $0.isFinite }) ?? .nan,
        estimates: ConvergenceEstimates(curve: curve, tolerance: tolerance, lambda: lambda),
        rank: 0, divergedAt: trace.divergedAt)
    }
    let instances = Double(max(configuration.instances, 1))
    let baselineBest = traces.filter { $0.isHandDesigned && $0.divergedAt == nil }
      .map(\.finalMeanLoss).filter(\.isFinite).min()
    for (index, trace) in traces.enumerated() {
      if let last = trace.lossStandardDeviation.lastIndex(where: { $0.isFinite }) {
        summaries[index].finalLossHalfWidth = 1.96 * trace.lossStandardDeviation[last] / instances.squareRoot()
      }
      if let baselineBest {
        summaries[index].stepsToBestBaseline = trace.meanLoss.firstIndex { $0.isFinite && $0 <= baselineBest }
      }
      summaries[index].secondsPerStep = trace.meanStepSeconds
      summaries[index].flopsPerStep = trace.flopsPerStep
    }
    for (position, index) in Self.ranking(summaries, by: \.finalMeanLoss).enumerated() {
      summaries[index].rank = position + 1
    }
    for (position, index) in Self.ranking(summaries, by: \.finalGeometricMeanLoss).enumerated() {
      summaries[index].geometricRank = position + 1
    }
    return summaries
  }

  /// The indices of the racers that have a finite `key`, best first, the
  /// diverged after the rest; racers without one are left out (no rank).
  static func ranking(_ summaries: [RacerSummary], by key: KeyPath<RacerSummary, Double>) -> [Int] {
    summaries.indices.filter { summaries[$0][keyPath: key].isFinite }.sorted { a, b in
      let (x, y) = (summaries[a], summaries[b])
      if (x.divergedAt == nil) != (y.divergedAt == nil) { return x.divergedAt == nil }
      return x[keyPath: key] < y[keyPath: key]
    }
  }
}
