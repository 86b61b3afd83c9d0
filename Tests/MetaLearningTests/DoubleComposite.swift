import LinearAlgebra
import Optimizees

@testable import MetaLearning

/// B composite problems f_b(θ) = ½‖A_b θ − y_b‖² + Ω(θ) in Double, Ω one of
/// the three sparsity penalties, with the prox and ∂Ω written out here
/// independently of the library, for gradient checks of whole unrolls.
struct DoubleComposite: BatchLossOracle {
  typealias Scalar = Double
  let batch: Int
  let dimension: Int
  let rows: Int
  let regularizer: Regularizer
  let matrices: [[Double]]
  let targets: [[Double]]
  /// ‖A_b‖_F², an upper bound of the Lipschitz constant ‖A_b‖₂² of ∇s_b.
  let lipschitz: [Double]

  init(batch: Int, dimension: Int, rows: Int, regularizer: Regularizer, seed: UInt64) {
    self.batch = batch
    self.dimension = dimension
    self.rows = rows
    self.regularizer = regularizer
    var rng = RandomSource(seed: seed)
    let matrices = (0..<batch).map { _ in (0..<(rows * dimension)).map { _ in Double(rng.gaussian()) * 0.5 } }
    self.matrices = matrices
    targets = (0..<batch).map { _ in (0..<rows).map { _ in Double(rng.gaussian()) } }
    lipschitz = matrices.map { $0.reduce(0) { $0 + $1 * $1 } }
  }

  func optimum(_ b: Int) -> Double { 0 }

  var lambda: Double {
    switch regularizer {
    case .none: 0
    case .l1(let l), .l0(let l), .groupL2(let l, _): Double(l)
    }
  }

  func penalty(_ theta: UnsafeBufferPointer<Double>) -> Double {
    switch regularizer {
    case .none: return 0
    case .l1: return lambda * theta.reduce(0) { $0 + abs($1) }
    case .l0: return lambda * Double(theta.count { $0 != 0 })
    case .groupL2(_, let size):
      return stride(from: 0, to: theta.count, by: size).reduce(0.0) { sum, start in
        sum + lambda * theta[start..<min(start + size, theta.count)].reduce(0) { $0 + $1 * $1 }.squareRoot()
      }
    }
  }

  mutating func evaluate(
    _ b: Int, theta: UnsafeBufferPointer<Double>, gradient: UnsafeMutableBufferPointer<Double>
  ) -> Double {
    DoubleLeastSquares.evaluate(matrix: matrices[b], target: targets[b], rows: rows, columns: dimension, theta: theta, gradient: gradient)
      + penalty(theta)
  }

  func proximal(_ b: Int, defaultStep: Double) -> ProximalMap? {
    let tau = 1 / lipschitz[b]
    switch regularizer {
    case .none: return nil
    case .l1: return ProximalMap(kind: .softThreshold, threshold: tau * lambda)
    case .l0: return ProximalMap(kind: .hardThreshold, threshold: (2 * tau * lambda).squareRoot())
    case .groupL2(_, let size): return ProximalMap(kind: .blockSoftThreshold(blockSize: size), threshold: tau * lambda)
    }
  }

  func penalty(_ b: Int) -> ProximalPenalty? {
    switch regularizer {
    case .none: return nil
    case .l1: return ProximalPenalty(kind: .softThreshold, weight: lambda)
    case .l0: return ProximalPenalty(kind: .hardThreshold, weight: lambda)
    case .groupL2(_, let size): return ProximalPenalty(kind: .blockSoftThreshold(blockSize: size), weight: lambda)
    }
  }

  func addPenaltyGradient(
    _ b: Int, theta: UnsafeBufferPointer<Double>, into gradient: UnsafeMutableBufferPointer<Double>
  ) {
    switch regularizer {
    case .none, .l0: return
    case .l1:
      for i in 0..<theta.count where theta[i] != 0 { gradient[i] += theta[i] > 0 ? lambda : -lambda }
    case .groupL2(_, let size):
      for start in stride(from: 0, to: theta.count, by: size) {
        let group = start..<min(start + size, theta.count)
        let norm = group.reduce(0.0) { $0 + theta[$1] * theta[$1] }.squareRoot()
        if norm > 0 { for i in group { gradient[i] += lambda * theta[i] / norm } }
      }
    }
  }
}
