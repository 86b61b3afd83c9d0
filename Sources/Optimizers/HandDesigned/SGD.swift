/// Plain gradient descent, `θ ← θ − η g`.
///
/// The baseline every other rule is measured against: one learning rate η
/// shared by all coordinates and no memory of past gradients. On a smooth
/// problem with an L-Lipschitz gradient it converges for `η < 2/L`, linearly
/// at rate `1 − ηm` on an m-strongly convex one, so its speed is set by the
/// condition number `L/m`.
///
/// On a composite problem the caller applies `prox_{ηΩ}` after the step,
/// which makes SGD exactly ISTA, the iterative shrinkage-thresholding
/// algorithm `θ ← prox_{ηΩ}(θ − η ∇s(θ))`. ISTA is therefore this type under
/// another name (``OptimizerKind/ista``); what differs is how its default
/// step is chosen: with η = 1/L, L a Lipschitz constant of ∇s, every step
/// decreases `f = s + Ω` and `f(θ_k) − f* ≤ L‖θ₀ − θ*‖²/(2k)` (Beck & Teboulle
/// 2009, Thm 3.1), so ``OptimizerConfiguration`` defaults ISTA's η to 1/L
/// when the problem knows L.
public struct SGD: Optimizer {
  /// n, the number of parameters this optimizer was sized for.
  public let dimension: Int
  /// η, the step taken along the negative gradient.
  public let learningRate: Float
  /// `.sgd`, or `.ista` for the same rule under the sparse-coding name.
  public let kind: OptimizerKind

  /// An SGD (or, by name, ISTA) rule for `dimension` parameters.
  public init(dimension: Int, learningRate: Float, kind: OptimizerKind = .sgd) {
    precondition(dimension >= 0, "dimension must be non-negative")
    precondition(kind == .sgd || kind == .ista, "SGD serves only the sgd and ista kinds")
    self.dimension = dimension
    self.learningRate = learningRate
    self.kind = kind
  }

  public var name: String { kind.rawValue }

  /// η: the prox after an SGD step is taken with the same step size.
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

  /// SGD keeps no state; provided so every hand-designed rule can be reset
  /// the same way.
  public mutating func reset() {}
}

extension SGD {
  /// θ −= η g: a multiply and a subtract per coordinate.
  public var flopsPerStep: Double? { 2 * Double(dimension) }
}
