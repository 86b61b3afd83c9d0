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
  /// Makes the optimizer for one instance.
  public var makeOptimizer: @Sendable (any Problem) -> any Optimizer

  public init(
    name: String, learningRate: Float? = nil,
    makeOptimizer: @escaping @Sendable (any Problem) -> any Optimizer
  ) {
    self.name = name
    self.learningRate = learningRate
    self.makeOptimizer = makeOptimizer
  }

  /// A hand-designed optimizer as a racer, named after its kind.
  ///
  /// ISTA and FISTA without an explicit rate take 1/L from each instance.
  public init(_ configuration: OptimizerConfiguration, name: String? = nil) {
    let rate = configuration.learningRate
    self.init(
      name: name ?? configuration.kind.rawValue,
      learningRate: rate ?? (configuration.isProximalGradient ? nil : configuration.defaultLearningRate)
    ) { problem in
      configuration.make(dimension: problem.dimension, lipschitz: problem.smoothLipschitz)
    }
  }
}
