/// Nesterov's accelerated gradient in the Sutskever et al. (2013) / PyTorch
/// form, which evaluates the gradient at the current iterate:
/// `v ← μ v + g`, `θ ← θ − η (g + μ v)`, with `v₀ = 0` and μ = 0.9.
///
/// The textbook "lookahead" form takes the gradient at a point ahead of the
/// iterate, `u ← μu − η∇f(φ + μu)`, `φ ← φ + u`. Substituting `θ = φ + μu`
/// and `u = −ηv` turns it into the rule above exactly, for any f: the two
/// produce the same sequence θ_t (the lookahead form's `φ_t + μu_t`). This
/// form needs no second gradient point, so ``usesLookahead`` stays false and
/// the loss the race reports is the loss at the point whose gradient it
/// took.
///
/// Compared with heavy ball, the extra `μ v` term applies the momentum
/// correction one step early, which damps the oscillation heavy ball shows
/// along high-curvature directions.
public struct NAG: Optimizer {
  /// The momentum coefficient μ used when none is given.
  public static let defaultMomentum: Float = 0.9

  /// n, the number of parameters this optimizer was sized for.
  public let dimension: Int
  /// η.
  public let learningRate: Float
  /// μ.
  public let momentum: Float
  /// v, the velocity (starts at zero).
  public private(set) var velocity: [Float]

  /// A Nesterov rule for `dimension` parameters.
  public init(dimension: Int, learningRate: Float, momentum: Float = NAG.defaultMomentum) {
    precondition(dimension >= 0, "dimension must be non-negative")
    self.dimension = dimension
    self.learningRate = learningRate
    self.momentum = momentum
    self.velocity = [Float](repeating: 0, count: dimension)
  }

  public var name: String { OptimizerKind.nag.rawValue }

  /// η: the prox uses the base learning rate.
  public var proximalStep: Float { learningRate }

  public mutating func step(parameters: inout [Float], gradient: [Float]) {
    precondition(parameters.count == dimension && gradient.count == dimension)
    let eta = learningRate
    let mu = momentum
    parameters.withUnsafeMutableBufferPointer { theta in
      velocity.withUnsafeMutableBufferPointer { v in
        gradient.withUnsafeBufferPointer { g in
          for i in 0..<theta.count {
            v[i] = mu * v[i] + g[i]
            theta[i] -= eta * (g[i] + mu * v[i])
          }
        }
      }
    }
  }

  /// Forgets the velocity, as if freshly made.
  public mutating func reset() {
    velocity.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
  }
}

extension NAG {
  /// v = μv + g; θ −= η(g + μv): six per coordinate.
  public var flopsPerStep: Double? { 6 * Double(dimension) }
}
