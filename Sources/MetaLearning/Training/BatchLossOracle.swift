import Autodiff
import Optimizees

/// The optimizees of one meta-training batch, as the unroll sees them: B
/// problems of the same dimension n whose parameters sit side by side in
/// one B·n vector.
public protocol BatchLossOracle<Scalar> {
  associatedtype Scalar: TensorScalar
  /// B, the number of problems.
  var batch: Int { get }
  /// n, the parameters of each.
  var dimension: Int { get }
  /// r_b, the optimum of problem b.
  func optimum(_ b: Int) -> Double
  /// f_b(θ_b) (smooth part plus penalty), writing ∇s_b(θ_b) into `gradient`.
  mutating func evaluate(
    _ b: Int, theta: UnsafeBufferPointer<Scalar>, gradient: UnsafeMutableBufferPointer<Scalar>
  ) -> Double
}

/// A batch of sampled problems, optionally each scaled by a random factor.
///
/// Random scaling (Lv et al. 2017; Chen et al. 2020) multiplies problem b by
/// `s_b = e^{U(−a, a)}`, so the learned optimizer meets gradients over many
/// orders of magnitude and cannot overfit one scale.
public struct ProblemBatch: BatchLossOracle {
  public typealias Scalar = Float
  public var problems: [any Problem]
  public let scales: [Float]

  public init(problems: [any Problem], scales: [Float]? = nil) {
    precondition(!problems.isEmpty, "ProblemBatch: no problems")
    self.problems = problems
    self.scales = scales ?? [Float](repeating: 1, count: problems.count)
  }

  public var batch: Int { problems.count }
  public var dimension: Int { problems[0].dimension }
  public func optimum(_ b: Int) -> Double { Double(problems[b].optimum) * Double(scales[b]) }

  public mutating func evaluate(
    _ b: Int, theta: UnsafeBufferPointer<Float>, gradient: UnsafeMutableBufferPointer<Float>
  ) -> Double {
    let smooth = problems[b].smoothLoss(at: theta, gradient: gradient)
    let penalty = problems[b].regularizer.penalty(theta)
    let scale = scales[b]
    if scale != 1 {
      for i in 0..<gradient.count { gradient[i] *= scale }
    }
    return Double(scale) * (Double(smooth) + Double(penalty))
  }
}
