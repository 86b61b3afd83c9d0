import Autodiff
import Evaluation
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
  /// The prox that ends every step on problem b, `prox_{τ_b Ω_b}`; nil when
  /// problem b is smooth. τ_b is 1/L_b when the problem knows the Lipschitz
  /// constant L_b of ∇s_b, `defaultStep` otherwise.
  func proximal(_ b: Int, defaultStep: Double) -> ProximalMap?
  /// Ω_b at problem b's scale (λ_b·s_b), for the rules that choose their
  /// own prox steps (the secant rules, whose step η̂ scales as 1/s_b, so the
  /// threshold is the same at every scale); nil when problem b is smooth.
  func penalty(_ b: Int) -> ProximalPenalty?
  /// Adds an element of ∂Ω_b(θ_b) to `gradient` (nothing for smooth
  /// problems): with ∇s_b it makes the adjoint of f_b = s_b + Ω_b.
  func addPenaltyGradient(
    _ b: Int, theta: UnsafeBufferPointer<Scalar>, into gradient: UnsafeMutableBufferPointer<Scalar>)
}

extension BatchLossOracle {
  /// Smooth problems: no prox.
  public func proximal(_ b: Int, defaultStep: Double) -> ProximalMap? { nil }
  /// Smooth problems: no penalty.
  public func penalty(_ b: Int) -> ProximalPenalty? { nil }
  /// Smooth problems: Ω = 0.
  public func addPenaltyGradient(
    _ b: Int, theta: UnsafeBufferPointer<Scalar>, into gradient: UnsafeMutableBufferPointer<Scalar>
  ) {}
}

/// A batch of sampled problems, optionally each scaled by a random factor.
///
/// Random scaling (Lv et al. 2017; Chen et al. 2020) multiplies problem b by
/// `s_b = e^{U(−a, a)}`, so the learned optimizer meets gradients over many
/// orders of magnitude and cannot overfit one scale.
///
/// On composite problems the scaled objective is `s_b·(s + Ω)`: its ∇s's
/// Lipschitz constant is s_b·L and its penalty weight s_b·λ, so the prox
/// threshold τλ = λ/L is the same at every scale; the unroll uses the
/// unscaled L and λ, exactly what the race's prox does with step 1/L.
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

  public func proximal(_ b: Int, defaultStep: Double) -> ProximalMap? {
    let problem = problems[b]
    let tau = problem.smoothLipschitz.map { 1 / Double($0) } ?? defaultStep
    return ProximalMap(regularizer: problem.regularizer, step: tau)
  }

  public func penalty(_ b: Int) -> ProximalPenalty? {
    ProximalPenalty(regularizer: problems[b].regularizer, scale: Double(scales[b]))
  }

  public func addPenaltyGradient(
    _ b: Int, theta: UnsafeBufferPointer<Float>, into gradient: UnsafeMutableBufferPointer<Float>
  ) {
    problems[b].regularizer.addGradient(of: theta, scaledBy: scales[b], into: gradient)
  }
}
