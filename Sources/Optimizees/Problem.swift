/// One optimizee: an objective `f(θ) = s(θ) + Ω(θ)` over `θ ∈ Rⁿ`, drawn from
/// a ``ProblemClass``.
///
/// `s` is the smooth part, whose value and gradient every problem computes
/// analytically; `Ω` is an optional non-smooth penalty (``Regularizer``)
/// handled through its proximal operator. Optimizers see `∇s` only and apply
/// `prox_Ω` after their step, so that every optimizer — hand-designed or
/// learned — is a proximal method on composite problems and a plain one
/// elsewhere (`Ω = 0`, `prox = identity`).
///
/// Problems are values. Stochastic problems (minibatched MNIST) carry their
/// own seeded minibatch stream, which is why evaluation is `mutating`: two
/// copies of a problem replay the same minibatches.
public protocol Problem: Sendable {
  /// n, the number of parameters.
  var dimension: Int { get }

  /// θ₀, the starting point every optimizer shares.
  var initialParameters: [Float] { get }

  /// The non-smooth penalty Ω (``Regularizer/none`` for smooth problems).
  var regularizer: Regularizer { get }

  /// r, the optimal value of the full objective `s + Ω`: closed form where
  /// one exists, a high-precision solve for composite problems, 0 when
  /// unknown (e.g. neural network training losses).
  var optimum: Float { get }

  /// A Lipschitz constant of ∇s when one is known cheaply (e.g. 2‖W‖² for
  /// ‖Wθ − y‖²); proximal gradient methods use 1/L as their step.
  var smoothLipschitz: Float? { get }

  /// Whether each evaluation draws fresh data (a minibatch), so that values
  /// at the same θ differ between calls.
  var isStochastic: Bool { get }

  /// s(θ), and ∇s(θ) written into `gradient` when it is non-nil.
  ///
  /// `theta` and `gradient` have `dimension` elements; the call allocates
  /// nothing, so it can sit in per-step loops.
  mutating func smoothLoss(
    at theta: UnsafeBufferPointer<Float>, gradient: UnsafeMutableBufferPointer<Float>?
  ) -> Float
}

extension Problem {
  public var smoothLipschitz: Float? { nil }
  public var isStochastic: Bool { false }

  /// f(θ) = s(θ) + Ω(θ), writing ∇s(θ) into `gradient`.
  public mutating func objective(at theta: [Float], gradient: inout [Float]) -> Float {
    precondition(theta.count == dimension && gradient.count == dimension)
    let smooth = theta.withUnsafeBufferPointer { t in
      gradient.withUnsafeMutableBufferPointer { g in smoothLoss(at: t, gradient: g) }
    }
    return smooth + regularizer.penalty(theta)
  }

  /// f(θ) = s(θ) + Ω(θ) without a gradient.
  public mutating func objective(at theta: [Float]) -> Float {
    precondition(theta.count == dimension)
    let smooth = theta.withUnsafeBufferPointer { smoothLoss(at: $0, gradient: nil) }
    return smooth + regularizer.penalty(theta)
  }
}
