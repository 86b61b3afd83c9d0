import Libm
import LinearAlgebra
import Optimizees
import Optimizers

/// Chooses each hand-designed optimizer's learning rate the way the anchors
/// do: every rate of a log grid (``Optimizers/LearningRateGrid/halfDecades``,
/// 1e-4 … 1) races on *tuning* instances — a seed stream disjoint from the
/// held-out evaluation instances — and the rate with the lowest mean final
/// log-loss, `mean_i log f_i(θ_T)`, wins. Diverged rates never win.
///
/// The log-loss rather than the loss is what keeps one slow instance from
/// deciding the choice, and it is what the paper's "log mean final error"
/// tables summarise.
public struct LearningRateTuner: Sendable {
  /// Instances per candidate rate.
  public var instances: Int
  /// The run seed (instances come from ``LinearAlgebra/SeedStream/tuning``).
  public var seed: UInt64
  /// The candidate rates.
  public var grid: [Float]

  public init(instances: Int = 20, seed: UInt64 = 0, grid: [Float] = LearningRateGrid.halfDecades) {
    self.instances = instances
    self.seed = seed
    self.grid = grid
  }

  /// The score of every candidate and the winner, for one optimizer kind.
  public struct Outcome: Sendable, Codable, Equatable {
    public var kind: OptimizerKind
    /// The chosen rate.
    public var learningRate: Float
    /// Its mean final log-loss (natural log).
    public var score: Double
    /// (rate, score) for every candidate; +∞ for diverged ones.
    public var candidates: [Candidate]
  }

  /// One candidate rate and its score.
  public struct Candidate: Sendable, Codable, Equatable {
    public var learningRate: Float
    public var score: Double
  }

  /// Tunes every kind in `kinds` over `steps` steps in one lockstep race of
  /// `kinds.count × grid.count` racers; `progress` receives points done and
  /// points in all.
  ///
  /// Kinds whose every candidate diverged keep their default rate, with a
  /// score of +∞.
  public func tune(
    problemClass: any ProblemClass, kinds: [OptimizerKind], steps: Int,
    progress: (Int, Int) -> Void = { _, _ in }
  ) -> [Outcome] {
    var racers: [Racer] = []
    for kind in kinds {
      for rate in grid {
        racers.append(Racer(OptimizerConfiguration(kind: kind, learningRate: rate), name: "\(kind.rawValue)@\(rate)"))
      }
    }
    var run = RaceRun(
      problemClass: problemClass, racers: racers,
      configuration: RaceConfiguration(steps: steps, instances: instances, seed: seed),
      instanceStream: .tuning)
    let result = run.run { progress($0, steps + 1) }
    return kinds.enumerated().map { offset, kind in
      let traces = result.traces[(offset * grid.count)..<((offset + 1) * grid.count)]
      let candidates = zip(grid, traces).map { rate, trace in
        Candidate(learningRate: rate, score: Self.score(trace))
      }
      let best = candidates.min { $0.score < $1.score }
      let fallback = OptimizerConfiguration(kind: kind, learningRate: nil).defaultLearningRate
      guard let best, best.score.isFinite else {
        return Outcome(kind: kind, learningRate: fallback, score: .infinity, candidates: candidates)
      }
      return Outcome(kind: kind, learningRate: best.learningRate, score: best.score, candidates: candidates)
    }
  }

  /// Mean final log-loss of a trace; +∞ when it diverged or ended non-finite.
  static func score(_ trace: RacerTrace) -> Double {
    guard !trace.diverged, let last = trace.geometricMeanLoss.last, last.isFinite else { return .infinity }
    return Libm.log(max(last, 1e-30))
  }
}
