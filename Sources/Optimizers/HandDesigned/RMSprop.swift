/// RMSprop (Tieleman & Hinton 2012): each coordinate's step is divided by a
/// running root mean square of its gradients,
/// `s ← ρ s + (1 − ρ) g²`, `θ ← θ − η g / (√s + ε)`, with `s₀ = 0`.
///
/// Dividing by √s makes the step roughly η in every coordinate whatever the
/// gradient's scale, which is what helps on badly scaled problems. ρ = 0.9
/// is the value of Hinton's lecture and TensorFlow's default (PyTorch
/// defaults to 0.99, a longer memory of about 100 steps instead of 10).
/// ε = 1e-8 guards the division where a coordinate's gradients vanish. With
/// `s₀ = 0` and no bias correction the first step is `η/√(1 − ρ)` ≈ 3.2 η
/// per coordinate, as in the reference implementations.
///
/// On composite problems the prox is applied with the base rate η, not with
/// the per-coordinate effective steps (the usual heuristic, and what makes
/// the prox the same for every optimizer at a given η).
public struct RMSprop: Optimizer {
  /// ρ, the decay of the running mean of squared gradients.
  public static let defaultDecay: Float = 0.9
  /// ε, added to √s before dividing.
  public static let defaultEpsilon: Float = 1e-8

  /// n, the number of parameters this optimizer was sized for.
  public let dimension: Int
  /// η.
  public let learningRate: Float
  /// ρ.
  public let decay: Float
  /// ε.
  public let epsilon: Float
  /// s, the running mean of squared gradients (starts at zero).
  public private(set) var meanSquare: [Float]

  /// An RMSprop rule for `dimension` parameters.
  public init(
    dimension: Int, learningRate: Float, decay: Float = RMSprop.defaultDecay,
    epsilon: Float = RMSprop.defaultEpsilon
  ) {
    precondition(dimension >= 0, "dimension must be non-negative")
    self.dimension = dimension
    self.learningRate = learningRate
    self.decay = decay
    self.epsilon = epsilon
    self.meanSquare = [Float](repeating: 0, count: dimension)
  }

  public var name: String { OptimizerKind.rmsprop.rawValue }

  /// η, the base rate (see the type's discussion).
  public var proximalStep: Float { learningRate }

  public mutating func step(parameters: inout [Float], gradient: [Float]) {
    precondition(parameters.count == dimension && gradient.count == dimension)
    let eta = learningRate
    let rho = decay
    let eps = epsilon
    parameters.withUnsafeMutableBufferPointer { theta in
      meanSquare.withUnsafeMutableBufferPointer { s in
        gradient.withUnsafeBufferPointer { g in
          for i in 0..<theta.count {
            s[i] = rho * s[i] + (1 - rho) * g[i] * g[i]
            theta[i] -= eta * g[i] / (s[i].squareRoot() + eps)
          }
        }
      }
    }
  }

  /// Forgets the running mean, as if freshly made.
  public mutating func reset() {
    meanSquare.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
  }
}

extension RMSprop {
  /// s = ρs + (1−ρ)g² (four), θ −= ηg/(√s + ε) (five): nine per coordinate.
  public var flopsPerStep: Double? { 9 * Double(dimension) }
}
