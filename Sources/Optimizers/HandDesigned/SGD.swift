/// Plain gradient descent, `θ ← θ − η g`.
///
/// The baseline every other rule is measured against: one learning rate η
/// shared by all coordinates and no memory of past gradients. On a smooth
/// problem with an L-Lipschitz gradient it converges for `η < 2/L`, linearly
/// at rate `1 − ηm` on an m-strongly convex one, so its speed is set by the
/// condition number `L/m`.
///
/// On a composite problem the caller applies `prox_{ηΩ}` after the step,
/// which makes SGD exactly ISTA with step η (see ``ISTA``, which differs only
/// in how its default step is chosen).
public struct SGD: Optimizer {
  /// n, the number of parameters this optimizer was sized for.
  public let dimension: Int
  /// η, the step taken along the negative gradient.
  public let learningRate: Float

  /// An SGD rule for `dimension` parameters.
  public init(dimension: Int, learningRate: Float) {
    precondition(dimension >= 0, "dimension must be non-negative")
    self.dimension = dimension
    self.learningRate = learningRate
  }

  public var name: String { OptimizerKind.sgd.rawValue }

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
