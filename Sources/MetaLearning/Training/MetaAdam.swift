import Evaluation
#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Adam (Kingma & Ba 2015) on the learned optimizer's flat parameter vector
/// φ: the meta-optimizer of Andrychowicz et al. (β₁ 0.9, β₂ 0.999, ε 1e-8).
public struct MetaAdam: Sendable, Equatable {
  public var learningRate: Float
  public var firstMoment: [Float]
  public var secondMoment: [Float]
  /// Updates applied so far (for bias correction).
  public var steps: Int

  public init(count: Int, learningRate: Float) {
    self.learningRate = learningRate
    firstMoment = [Float](repeating: 0, count: count)
    secondMoment = firstMoment
    steps = 0
  }

  /// φ ← φ − η·m̂/(√v̂ + ε).
  public mutating func update(_ parameters: inout [Float], gradient: [Float]) {
    precondition(parameters.count == gradient.count && gradient.count == firstMoment.count)
    steps += 1
    let beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8
    let correction1 = 1 - powf(beta1, Float(steps))
    let correction2 = 1 - powf(beta2, Float(steps))
    for i in parameters.indices {
      let g = gradient[i]
      firstMoment[i] = beta1 * firstMoment[i] + (1 - beta1) * g
      secondMoment[i] = beta2 * secondMoment[i] + (1 - beta2) * g * g
      let mHat = firstMoment[i] / correction1
      let vHat = secondMoment[i] / correction2
      parameters[i] -= learningRate * mHat / (sqrtf(vHat) + epsilon)
    }
  }
}
