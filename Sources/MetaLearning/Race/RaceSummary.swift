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
  /// 1 for the lowest final mean loss; diverged racers rank last.
  public var rank: Int
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
    let order = summaries.indices.sorted { a, b in
      let (x, y) = (summaries[a], summaries[b])
      if (x.divergedAt == nil) != (y.divergedAt == nil) { return x.divergedAt == nil }
      let (lx, ly) = (x.finalMeanLoss.isNaN ? .infinity : x.finalMeanLoss, y.finalMeanLoss.isNaN ? .infinity : y.finalMeanLoss)
      return lx < ly
    }
    for (position, index) in order.enumerated() { summaries[index].rank = position + 1 }
    return summaries
  }
}
