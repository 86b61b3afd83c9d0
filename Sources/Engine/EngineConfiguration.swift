import Evaluation
import Foundation
import MetaLearning
import Optimizers
import Sessions

/// How the live engine runs: which class it starts on, how it races, and
/// whether it meta-trains at all.
public struct EngineConfiguration: Sendable {
  /// The problem class to start with (a catalog name).
  public var problem: String
  /// Whether to meta-train and race the learned optimizer; false races the
  /// baselines only (`mnemo dashboard --demo`).
  public var learning: Bool
  /// The meta-objective for new sessions.
  public var objective: MetaObjective
  /// Steps per race (the training horizon for learned optimizers).
  public var steps: Int
  /// Held-out instances per race (fewer on MNIST, where each is costly).
  public var instances: Int
  /// Instances per candidate rate when tuning baselines.
  public var tuningInstances: Int
  /// The first race's seed (each re-race adds one); also the tuning
  /// instances' seed and, for a new session, the initial weights' and the
  /// meta-training problems' seed.
  public var seed: UInt64
  /// How fast the baselines' race is drawn at first, in steps per second
  /// (0: as fast as it computes).
  public var stepsPerSecond: Double
  /// Seconds between re-races of the learned optimizer (the race drawn on
  /// the screen; validation is separate, see ``validateEvery``).
  public var raceInterval: Double
  /// Meta-iterations between validations, as `mnemo train --validate-every`:
  /// each validation races the current weights on 20 validation instances,
  /// keeps them as the session's best when they improve, and adds a row to
  /// the session's `training.csv`.
  public var validateEvery: Int
  /// Seconds between automatic saves.
  public var autosaveInterval: Double
  /// Where sessions live (one per problem class, named after it).
  public var sessionsDirectory: URL
  /// Where MNIST lives (else the default locations).
  public var mnistDirectory: String?
  /// The tuned-learning-rate cache (shared with `mnemo race --tune`).
  public var tuningCache: URL

  public init(
    problem: String = "quadratic", learning: Bool = true, objective: MetaObjective = .lossSum, steps: Int = 100,
    instances: Int = 20, tuningInstances: Int = 10, seed: UInt64 = 0, stepsPerSecond: Double = 100,
    raceInterval: Double = 2, validateEvery: Int = 100, autosaveInterval: Double = 120,
    sessionsDirectory: URL = SessionStore.defaultDirectory(), mnistDirectory: String? = nil,
    tuningCache: URL = TuningCache.defaultURL()
  ) {
    self.tuningCache = tuningCache
    self.problem = problem
    self.learning = learning
    self.objective = objective
    self.steps = steps
    self.instances = instances
    self.tuningInstances = tuningInstances
    self.seed = seed
    self.stepsPerSecond = stepsPerSecond
    self.raceInterval = raceInterval
    self.validateEvery = max(validateEvery, 1)
    self.autosaveInterval = autosaveInterval
    self.sessionsDirectory = sessionsDirectory
    self.mnistDirectory = mnistDirectory
  }
}
