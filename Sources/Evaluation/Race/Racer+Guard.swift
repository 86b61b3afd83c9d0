import Optimizees
import Optimizers

extension Racer {
  /// This racer with a loss guard: each instance's optimizer runs inside a
  /// ``Optimizers/GuardedOptimizer`` that hands over to `fallback` when the
  /// smoothed loss rises more than `tolerance` (relative) above its best.
  ///
  /// The guarded racer is named `<name>+guard` so a race can hold both and
  /// show what the guard changes.
  public func guarded(by fallback: OptimizerConfiguration, tolerance: Float = 0.5) -> Racer {
    let make = makeOptimizer
    return Racer(name: name + "+guard", learningRate: learningRate, stepLabel: stepLabel) { problem in
      GuardedOptimizer(
        learned: make(problem),
        fallback: fallback.make(dimension: problem.dimension, lipschitz: problem.smoothLipschitz),
        dimension: problem.dimension, tolerance: tolerance)
    }
  }
}
