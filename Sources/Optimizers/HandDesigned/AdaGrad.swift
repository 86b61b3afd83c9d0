/// AdaGrad (Duchi, Hazan & Singer 2011): each coordinate's step is divided by
/// the root of the sum of all its past squared gradients,
/// `G ← G + g²`, `θ ← θ − η g / (√G + ε)`, with `G₀ = 0` and ε = 1e-8.
///
/// Coordinates with rare or small gradients keep large steps, frequent ones
/// are damped. Because G only grows, the effective step of a coordinate with
/// steady gradients decays like `η/√t`, which guarantees convergence on
/// convex problems but makes AdaGrad slow late in a run; the first step is
/// `η·sign(g)` per coordinate. That decay is why its default η is larger
/// than the other rules' (see ``OptimizerConfiguration/defaultLearningRate``).
///
/// On composite problems the prox is applied with the base rate η, not with
/// the per-coordinate effective steps.
public struct AdaGrad: Optimizer {
  /// ε, added to √G before dividing.
  public static let defaultEpsilon: Float = 1e-8

  /// n, the number of parameters this optimizer was sized for.
  public let dimension: Int
  /// η.
  public let learningRate: Float
  /// ε.
  public let epsilon: Float
  /// G, the sum of squared gradients so far (starts at zero).
  public private(set) var sumOfSquares: [Float]

  /// An AdaGrad rule for `dimension` parameters.
  public init(dimension: Int, learningRate: Float, epsilon: Float = AdaGrad.defaultEpsilon) {
    precondition(dimension >= 0, "dimension must be non-negative")
    self.dimension = dimension
    self.learningRate = learningRate
    self.epsilon = epsilon
    self.sumOfSquares = [Float](repeating: 0, count: dimension)
  }

  public var name: String { OptimizerKind.adagrad.rawValue }

  /// η, the base rate (see the type's discussion).
  public var proximalStep: Float { learningRate }

  public mutating func step(parameters: inout [Float], gradient: [Float]) {
    precondition(parameters.count == dimension && gradient.count == dimension)
    let eta = learningRate
    let eps = epsilon
    parameters.withUnsafeMutableBufferPointer { theta in
      sumOfSquares.withUnsafeMutableBufferPointer { sum in
        gradient.withUnsafeBufferPointer { g in
          for i in 0..<theta.count {
            sum[i] += g[i] * g[i]
            theta[i] -= eta * g[i] / (sum[i].squareRoot() + eps)
          }
        }
      }
    }
  }

  /// Forgets the accumulated squares, as if freshly made.
  public mutating func reset() {
    sumOfSquares.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
  }
}

extension AdaGrad {
  /// Σ += g² (two), θ −= ηg/(√Σ + ε) (five): seven per coordinate.
  public var flopsPerStep: Double? { 7 * Double(dimension) }
}
