import Optimizers
import Testing

/// NAG's implemented form (gradient at θ) against the lookahead form of
/// Sutskever et al. (2013): `u ← μu − η∇f(φ + μu)`, `φ ← φ + u`. With
/// `θ = φ + μu` the two are the same algorithm, so NAG's θ_t must equal the
/// lookahead form's φ_t + μu_t at every step.
@Suite struct NAGEquivalenceTests {
  /// f(θ) = ½θᵀAθ − bᵀθ with A symmetric positive definite.
  static let a: [[Double]] = [[4, 1, 0.5], [1, 3, -0.5], [0.5, -0.5, 2]]
  static let b: [Double] = [1, -2, 0.5]

  static func gradient(_ x: [Double]) -> [Double] {
    (0..<3).map { i in (0..<3).reduce(-b[i]) { $0 + a[i][$1] * x[$1] } }
  }

  @Test(arguments: [(Float(0.05), Float(0.9)), (0.1, 0.5), (0.02, 0.99)])
  func matchesTheLookaheadForm(eta: Float, mu: Float) {
    let start: [Double] = [1, 1, -1]
    // Lookahead form, in double.
    var phi = start
    var u = [0.0, 0, 0]
    var expected: [[Double]] = []
    for _ in 0..<40 {
      let ahead = (0..<3).map { phi[$0] + Double(mu) * u[$0] }
      let g = Self.gradient(ahead)
      u = (0..<3).map { Double(mu) * u[$0] - Double(eta) * g[$0] }
      phi = (0..<3).map { phi[$0] + u[$0] }
      expected.append((0..<3).map { phi[$0] + Double(mu) * u[$0] })
    }
    // NAG, with the gradient at its own iterate.
    var nag = NAG(dimension: 3, learningRate: eta, momentum: mu)
    var theta = start.map(Float.init)
    var firstMismatch: Int?
    for (step, want) in expected.enumerated() {
      let g = Self.gradient(theta.map(Double.init)).map(Float.init)
      nag.step(parameters: &theta, gradient: g)
      if firstMismatch == nil, !isClose(theta, want, tolerance: 1e-5) { firstMismatch = step + 1 }
    }
    #expect(firstMismatch == nil, "NAG leaves the lookahead form's sequence at this step")
  }

  @Test func differsFromHeavyBall() {
    // The same η, μ and gradients must give different iterates, or the
    // equivalence above would not be telling NAG apart from momentum.
    var nag = NAG(dimension: 3, learningRate: 0.05)
    var heavy = Momentum(dimension: 3, learningRate: 0.05)
    var x: [Float] = [1, 1, -1]
    var y = x
    for _ in 0..<3 {
      nag.step(parameters: &x, gradient: Self.gradient(x.map(Double.init)).map(Float.init))
      heavy.step(parameters: &y, gradient: Self.gradient(y.map(Double.init)).map(Float.init))
    }
    #expect(zip(x, y).contains { abs($0 - $1) > 1e-3 })
  }
}
