/// What one racer did over a race, averaged over the held-out instances.
///
/// Index t of every per-point array is the state θ_t, t = 0 … steps (so
/// `meanLoss[0]` is the shared starting loss). ``updateNorm`` has one entry
/// fewer: entry t is ‖θ_{t+1} − θ_t‖. After divergence, entries are NaN.
public struct RacerTrace: Sendable, Codable, Equatable {
  /// The racer's name.
  public var name: String
  /// Its learning rate (nil for learned optimizers and 1/L steps).
  public var learningRate: Float?
  /// How its step size is set (a rate, `1/L`, `learned`).
  public var stepLabel: String
  /// Arithmetic mean over instances of f(θ_t).
  public var meanLoss: [Double] = []
  /// Geometric mean over instances of f(θ_t) (floored at 1e-30), which a
  /// few slow instances cannot dominate; what a log-scale plot should show.
  public var geometricMeanLoss: [Double] = []
  /// Mean over instances of the error e_t = f(θ_t) − r (floored at 0), the
  /// sequence the convergence-rate estimators read.
  public var meanError: [Double] = []
  /// Mean over instances of the relative error (f(θ_t) − r)/r — the mean
  /// of ratios that sparse-coding papers report, which ``meanError`` over
  /// the mean r is not. Empty when some instance has r ≤ 0 (a smooth
  /// problem with optimum 0), where the ratio is undefined.
  public var meanRelativeError: [Double] = []
  /// Mean over instances of ‖∇s‖ at the point the optimizer evaluated it.
  public var gradientNorm: [Double] = []
  /// Mean over instances of ‖θ_{t+1} − θ_t‖ (after the prox).
  public var updateNorm: [Double] = []
  /// The step at which the racer's mean loss became NaN/∞ or exploded; nil
  /// while it runs normally.
  public var divergedAt: Int?
  /// θ_T of every instance, in instance order, when the race was asked to
  /// keep them (``RaceRun/init(problemClass:racers:configuration:instanceStream:keepingFinalParameters:)``);
  /// nil otherwise. For a diverged racer, the iterate it stopped at.
  public var finalParameters: [[Float]]?

  public init(name: String, learningRate: Float?, stepLabel: String? = nil) {
    self.name = name
    self.learningRate = learningRate
    self.stepLabel = stepLabel ?? learningRate.map { "\($0)" } ?? "learned"
  }

  /// The last finite mean loss, or NaN if none.
  public var finalMeanLoss: Double {
    meanLoss.last(where: { $0.isFinite }) ?? .nan
  }

  /// Whether the racer stopped by divergence.
  public var diverged: Bool { divergedAt != nil }
}
