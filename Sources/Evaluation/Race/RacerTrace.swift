import Optimizers

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
  /// Standard deviation over instances of f(θ_t) (0 for one instance): the
  /// spread behind ``meanLoss``, from which the table's interval comes.
  public var lossStandardDeviation: [Double] = []
  /// Wall-clock seconds of the optimizer's update (its gradient point, step
  /// and prox; not the objective, which all racers pay alike), averaged over
  /// the instances; entry t is the step from θ_t. Measured while the racers
  /// run in parallel, so a loaded machine inflates every racer alike.
  public var stepSeconds: [Double] = []
  /// The rule's estimated floating-point operations per update
  /// (``Optimizers/Optimizer/flopsPerStep``), nil where it gives none.
  public var flopsPerStep: Double?
  /// Mean over instances of ‖∇s‖ at the point the optimizer evaluated it.
  public var gradientNorm: [Double] = []
  /// Mean over instances of ‖θ_{t+1} − θ_t‖ (after the prox).
  public var updateNorm: [Double] = []
  /// The step at which the racer's mean loss became NaN/∞ or exploded; nil
  /// while it runs normally.
  public var divergedAt: Int?
  /// A DNC racer's memory after each point t (M, usage, write and mean read
  /// weightings, precedence, links) on the first instance, when the race was
  /// asked to record it; nil otherwise and for every other rule.
  public var memoryHistory: [DNCMemorySnapshot]?
  /// θ_T of every instance, in instance order, when the race was asked to
  /// keep them (``RaceRun/init(problemClass:racers:configuration:instanceStream:keepingFinalParameters:)``);
  /// nil otherwise. For a diverged racer, the iterate it stopped at.
  public var finalParameters: [[Float]]?
  /// f(θ_T) of every instance, in instance order (NaN for every instance of
  /// a racer that diverged): what a paired comparison of two racers on the
  /// same instances needs (``PairedComparison``). Nil in traces saved before
  /// it existed and in partial races.
  public var finalLosses: [Double]?

  public init(name: String, learningRate: Float?, stepLabel: String? = nil) {
    self.name = name
    self.learningRate = learningRate
    self.stepLabel = stepLabel ?? learningRate.map { "\($0)" } ?? "learned"
  }

  /// Whether the racer is a hand-designed rule: it has a learning rate or
  /// takes the 1/L step (learned optimizers have neither). What the
  /// table's "steps to the best baseline" and the paired comparisons
  /// compare against.
  public var isHandDesigned: Bool { learningRate != nil || stepLabel == "1/L" }

  /// The last finite mean loss, or NaN if none.
  public var finalMeanLoss: Double {
    meanLoss.last(where: { $0.isFinite }) ?? .nan
  }

  /// Mean wall time of one update over the steps taken so far (NaN before
  /// the first step).
  public var meanStepSeconds: Double {
    let taken = stepSeconds.filter(\.isFinite)
    return taken.isEmpty ? .nan : taken.reduce(0, +) / Double(taken.count)
  }

  /// Cumulative update time at each point t (0 at t = 0): the x coordinate
  /// of the loss-against-wall-time plot.
  public var cumulativeSeconds: [Double] {
    var total = 0.0
    var result = [0.0]
    for seconds in stepSeconds {
      if seconds.isFinite { total += seconds }
      result.append(total)
    }
    return Array(result.prefix(meanLoss.count))
  }

  /// Whether the racer stopped by divergence.
  public var diverged: Bool { divergedAt != nil }
}

extension RacerTrace {
  /// Equal in everything a race computes; the measured ``stepSeconds`` are
  /// left out, since two runs of the same race (the determinism tests, a
  /// replayed session) never time alike.
  public static func == (a: RacerTrace, b: RacerTrace) -> Bool {
    return a.name == b.name && a.learningRate == b.learningRate && a.stepLabel == b.stepLabel
      && a.meanLoss == b.meanLoss && a.geometricMeanLoss == b.geometricMeanLoss && a.meanError == b.meanError
      && a.meanRelativeError == b.meanRelativeError && a.lossStandardDeviation == b.lossStandardDeviation
      && a.flopsPerStep == b.flopsPerStep && a.gradientNorm == b.gradientNorm && a.updateNorm == b.updateNorm
      && a.divergedAt == b.divergedAt && a.finalParameters == b.finalParameters
      && a.memoryHistory == b.memoryHistory
  }
}
