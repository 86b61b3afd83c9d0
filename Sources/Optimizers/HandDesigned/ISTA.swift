/// ISTA, the iterative shrinkage-thresholding algorithm: a gradient step on
/// the smooth part followed by the prox of the penalty,
/// `θ ← prox_{ηΩ}(θ − η ∇s(θ))`.
///
/// This type takes the gradient step; the caller applies `prox_{ηΩ}` with
/// ``proximalStep`` = η, as it does for every optimizer. For a smooth
/// problem (Ω = 0) ISTA is SGD. With η = 1/L, L a Lipschitz constant of ∇s,
/// every step decreases `f = s + Ω` and `f(θ_k) − f* ≤ L‖θ₀ − θ*‖²/(2k)`
/// (Beck & Teboulle 2009, Thm 3.1); that is why ``OptimizerConfiguration``
/// defaults η to 1/L when the problem knows L and to a fixed rate otherwise.
public struct ISTA: Optimizer {
  /// n, the number of parameters this optimizer was sized for.
  public let dimension: Int
  /// η, the gradient step and the prox step.
  public let learningRate: Float

  /// An ISTA rule for `dimension` parameters with step η = `learningRate`
  /// (1/L for the guarantee above).
  public init(dimension: Int, learningRate: Float) {
    precondition(dimension >= 0, "dimension must be non-negative")
    self.dimension = dimension
    self.learningRate = learningRate
  }

  public var name: String { OptimizerKind.ista.rawValue }

  /// η: the prox is `prox_{ηΩ}`.
  public var proximalStep: Float { learningRate }

  public mutating func step(parameters: inout [Float], gradient: [Float]) {
    precondition(parameters.count == dimension && gradient.count == dimension)
    let eta = learningRate
    parameters.withUnsafeMutableBufferPointer { theta in
      gradient.withUnsafeBufferPointer { g in
        for i in 0..<theta.count { theta[i] -= eta * g[i] }
      }
    }
  }

  /// ISTA keeps no state; provided so every hand-designed rule can be reset
  /// the same way.
  public mutating func reset() {}
}
