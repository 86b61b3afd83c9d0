/// Adam (Kingma & Ba 2015): momentum on the gradient, scaled per coordinate
/// by a running RMS, with both moments bias-corrected:
///
///     m ← β₁ m + (1 − β₁) g          v ← β₂ v + (1 − β₂) g²
///     m̂ = m / (1 − β₁ᵗ)              v̂ = v / (1 − β₂ᵗ)
///     θ ← θ − η m̂ / (√v̂ + ε)
///
/// with `m₀ = v₀ = 0`, t counting steps from 1, β₁ = 0.9, β₂ = 0.999 and
/// ε = 1e-8 (the paper's and PyTorch's defaults). The moments start at zero,
/// so without the correction early steps would be biased towards zero; with
/// it the first step is `η·sign(g)` in every coordinate (up to ε), and no
/// step is much larger than η, which makes η directly a trust-region size.
///
/// The powers β₁ᵗ and β₂ᵗ are kept as running products in Double, so a long
/// run neither calls `pow` each step nor loses them to float rounding.
///
/// On composite problems the prox is applied with the base rate η, not with
/// the per-coordinate effective steps.
public struct Adam: Optimizer {
  /// β₁, the decay of the first moment.
  public static let defaultBeta1: Float = 0.9
  /// β₂, the decay of the second moment.
  public static let defaultBeta2: Float = 0.999
  /// ε, added to √v̂ before dividing.
  public static let defaultEpsilon: Float = 1e-8

  /// n, the number of parameters this optimizer was sized for.
  public let dimension: Int
  /// η.
  public let learningRate: Float
  /// β₁.
  public let beta1: Float
  /// β₂.
  public let beta2: Float
  /// ε.
  public let epsilon: Float
  /// m, the running mean of gradients, before bias correction.
  public private(set) var firstMoment: [Float]
  /// v, the running mean of squared gradients, before bias correction.
  public private(set) var secondMoment: [Float]
  /// t, the number of steps taken.
  public private(set) var stepCount: Int = 0
  private var beta1Power: Double = 1
  private var beta2Power: Double = 1

  /// An Adam rule for `dimension` parameters.
  public init(
    dimension: Int, learningRate: Float, beta1: Float = Adam.defaultBeta1,
    beta2: Float = Adam.defaultBeta2, epsilon: Float = Adam.defaultEpsilon
  ) {
    precondition(dimension >= 0, "dimension must be non-negative")
    self.dimension = dimension
    self.learningRate = learningRate
    self.beta1 = beta1
    self.beta2 = beta2
    self.epsilon = epsilon
    self.firstMoment = [Float](repeating: 0, count: dimension)
    self.secondMoment = [Float](repeating: 0, count: dimension)
  }

  public var name: String { OptimizerKind.adam.rawValue }

  /// η, the base rate (see the type's discussion).
  public var proximalStep: Float { learningRate }

  public mutating func step(parameters: inout [Float], gradient: [Float]) {
    precondition(parameters.count == dimension && gradient.count == dimension)
    stepCount += 1
    beta1Power *= Double(beta1)
    beta2Power *= Double(beta2)
    let eta = learningRate
    let b1 = beta1
    let b2 = beta2
    let eps = epsilon
    let correction1 = Float(1 / (1 - beta1Power))
    let correction2 = Float(1 / (1 - beta2Power))
    parameters.withUnsafeMutableBufferPointer { theta in
      firstMoment.withUnsafeMutableBufferPointer { m in
        secondMoment.withUnsafeMutableBufferPointer { v in
          gradient.withUnsafeBufferPointer { g in
            for i in 0..<theta.count {
              m[i] = b1 * m[i] + (1 - b1) * g[i]
              v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i]
              let mHat = m[i] * correction1
              let vHat = v[i] * correction2
              theta[i] -= eta * mHat / (vHat.squareRoot() + eps)
            }
          }
        }
      }
    }
  }

  /// Forgets both moments and the step count, as if freshly made.
  public mutating func reset() {
    firstMoment.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
    secondMoment.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
    stepCount = 0
    beta1Power = 1
    beta2Power = 1
  }
}

extension Adam {
  /// m (three), v (four), the two bias corrections (two), θ −= η m̂/(√v̂ + ε)
  /// (five): fourteen per coordinate.
  public var flopsPerStep: Double? { 14 * Double(dimension) }
}
