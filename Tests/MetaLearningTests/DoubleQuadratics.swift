import LinearAlgebra
import Optimizees

@testable import MetaLearning

/// B quadratics f_b(θ) = ‖W_b θ − y_b‖² in Double, for gradient checks of the
/// whole unroll.
struct DoubleQuadratics: BatchLossOracle {
  typealias Scalar = Double
  let batch: Int
  let dimension: Int
  let matrices: [[Double]]
  let targets: [[Double]]

  init(batch: Int, dimension: Int, seed: UInt64) {
    self.batch = batch
    self.dimension = dimension
    var rng = RandomSource(seed: seed)
    matrices = (0..<batch).map { _ in (0..<(dimension * dimension)).map { _ in Double(rng.gaussian()) * 0.5 } }
    targets = (0..<batch).map { _ in (0..<dimension).map { _ in Double(rng.gaussian()) } }
  }

  func optimum(_ b: Int) -> Double { 0 }

  mutating func evaluate(
    _ b: Int, theta: UnsafeBufferPointer<Double>, gradient: UnsafeMutableBufferPointer<Double>
  ) -> Double {
    // ‖r‖² = 2·(½‖r‖²) and its gradient 2·Wᵀr, exactly (factors of 2).
    let half = DoubleLeastSquares.evaluate(
      matrix: matrices[b], target: targets[b], rows: dimension, columns: dimension, theta: theta, gradient: gradient)
    for j in 0..<dimension { gradient[j] *= 2 }
    return 2 * half
  }
}
