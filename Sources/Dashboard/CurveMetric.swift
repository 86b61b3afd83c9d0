import Evaluation

/// Which per-step value of a race the loss panels plot (the `m` key).
public enum CurveMetric: String, Sendable, CaseIterable {
  /// Mean over instances of f(θ_t): the race's headline number.
  case meanLoss = "mean-loss"
  /// Geometric mean over instances, which one slow instance cannot
  /// dominate; what a log axis reads best.
  case geometricMeanLoss = "geometric-mean-loss"
  /// Mean error f(θ_t) − f*, the curve the convergence estimates read; it
  /// reaches 0 at the optimum, which a log axis clamps and flags.
  case meanError = "mean-error"

  /// The panel title.
  public var title: String {
    switch self {
    case .meanLoss: "mean loss f(θ_t)"
    case .geometricMeanLoss: "geometric-mean loss"
    case .meanError: "mean error f(θ_t) − f*"
    }
  }

  /// A short name for the status line.
  public var shortName: String {
    switch self {
    case .meanLoss: "mean loss"
    case .geometricMeanLoss: "geo-mean loss"
    case .meanError: "error"
    }
  }

  /// The plotted values of `trace`, t = 0, 1, …
  public func values(of trace: RacerTrace) -> [Double] {
    switch self {
    case .meanLoss: trace.meanLoss
    case .geometricMeanLoss: trace.geometricMeanLoss
    case .meanError: trace.meanError
    }
  }

  /// The next metric in the cycle.
  public var next: CurveMetric {
    let all = Self.allCases
    let index = all.firstIndex(of: self) ?? 0
    return all[(index + 1) % all.count]
  }
}
