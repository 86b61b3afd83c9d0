/// Heavy-ball momentum (Polyak 1964), in the form PyTorch and most codes use:
/// `v ← μ v + g`, `θ ← θ − η v`, with `v₀ = 0` and μ = 0.9 by default.
///
/// The velocity `v` is an exponentially weighted sum of past gradients, so
/// directions where gradients agree accumulate a step up to `1/(1 − μ)` = 10
/// times larger than SGD's, while oscillating directions cancel. On an
/// ill-conditioned quadratic with a well-chosen η and μ it improves the
/// linear rate from `1 − 1/κ` to about `1 − 1/√κ`. This form scales the
/// velocity by η at use rather than at accumulation (the other common
/// convention, `v ← μv − ηg; θ ← θ + v`), which gives identical iterates for
/// a constant η.
public struct Momentum: Optimizer {
  /// The momentum coefficient μ used when none is given.
  public static let defaultMomentum: Float = 0.9

  /// n, the number of parameters this optimizer was sized for.
  public let dimension: Int
  /// η.
  public let learningRate: Float
  /// μ, the fraction of the previous velocity kept each step.
  public let momentum: Float
  /// v, the velocity (starts at zero).
  public private(set) var velocity: [Float]

  /// A heavy-ball rule for `dimension` parameters.
  public init(dimension: Int, learningRate: Float, momentum: Float = Momentum.defaultMomentum) {
    precondition(dimension >= 0, "dimension must be non-negative")
    self.dimension = dimension
    self.learningRate = learningRate
    self.momentum = momentum
    self.velocity = [Float](repeating: 0, count: dimension)
  }

  public var name: String { OptimizerKind.momentum.rawValue }

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
            theta[i] -= eta * v[i]
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

extension Momentum {
  /// v = μv + g; θ −= ηv: four per coordinate.
  public var flopsPerStep: Double? { 4 * Double(dimension) }
}
