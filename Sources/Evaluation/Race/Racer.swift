import Optimizees
import Optimizers

/// One entrant of a race: a name and a way to make a fresh optimizer for a
/// problem instance.
///
/// A racer is a recipe rather than an optimizer because every held-out
/// instance gets its own optimizer state, made from the same recipe, so that
/// momenta and recurrent states never leak between instances.
public struct Racer: Sendable {
  /// The display name (`adam`, `lstm`, …); unique within a race.
  public var name: String
  /// The learning rate, for display and records (nil for learned optimizers).
  public var learningRate: Float?
  /// How the racer's step size is set, for tables: the rate, `1/L`, or
  /// `learned`.
  public var stepLabel: String
  /// Makes the optimizer for one instance.
  public var makeOptimizer: @Sendable (any Problem) -> any Optimizer

  public init(
    name: String, learningRate: Float? = nil, stepLabel: String? = nil,
    makeOptimizer: @escaping @Sendable (any Problem) -> any Optimizer
  ) {
    self.name = name
    self.learningRate = learningRate
    self.stepLabel = stepLabel ?? learningRate.map { "\($0)" } ?? "learned"
    self.makeOptimizer = makeOptimizer
  }

  /// A hand-designed optimizer as a racer, named after its kind.
  ///
  /// ISTA and FISTA without an explicit rate take 1/L from each instance.
  public init(_ configuration: OptimizerConfiguration, name: String? = nil) {
    let rate = configuration.learningRate ?? (configuration.isProximalGradient ? nil : configuration.defaultLearningRate)
    self.init(
      name: name ?? configuration.kind.rawValue, learningRate: rate,
      stepLabel: rate.map { "\($0)" } ?? "1/L"
    ) { problem in
      configuration.make(dimension: problem.dimension, lipschitz: problem.smoothLipschitz)
    }
  }
}
