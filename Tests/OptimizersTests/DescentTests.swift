import Optimizers
import Testing

/// Every rule, at its default rate, makes real progress on an easy smooth
/// problem: f(θ) = ½ Σ aᵢ θᵢ² with curvatures 1…4, from θ₀ = (1, −1, 0.5, 2).
@Suite struct DescentTests {
  static let curvature: [Float] = [1, 2, 3, 4]

  static func loss(_ theta: [Float]) -> Float {
    zip(curvature, theta).reduce(0) { $0 + 0.5 * $1.0 * $1.1 * $1.1 }
  }

  @Test(arguments: OptimizerKind.allCases)
  func defaultRateReducesTheLossTenfold(_ kind: OptimizerKind) {
    // L = 4 for the proximal methods (η = 1/4).
    var optimizer = OptimizerConfiguration(kind: kind).make(dimension: 4, lipschitz: 4)
    var theta: [Float] = [1, -1, 0.5, 2]
    var point = theta
    let initial = Self.loss(theta)
    for _ in 0..<300 {
      if optimizer.usesLookahead {
        optimizer.gradientPoint(parameters: theta, into: &point)
      } else {
        point = theta
      }
      let gradient = zip(Self.curvature, point).map { $0 * $1 }
      optimizer.step(parameters: &theta, gradient: gradient)
    }
    let final = Self.loss(theta)
    #expect(final.isFinite && final < initial / 10, "\(kind): \(initial) → \(final)")
  }
}
