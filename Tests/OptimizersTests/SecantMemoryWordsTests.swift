import LinearAlgebra
import Testing

@testable import Optimizers

/// ``SecantMemoryWords``: the DNC's quasi-Newton words against hand-computed
/// values, their invariances and their degenerate cases.
@Suite struct SecantMemoryWordsTests {
  static func write(_ words: inout SecantMemoryWords<Double>, theta: [Double], gradient: [Double]) -> [Double] {
    var out = [Double](repeating: .nan, count: words.groups * SecantMemoryWords<Double>.wordSize)
    words.write(theta: theta, gradient: gradient, into: &out)
    return out
  }

  /// Before the first pair the word is zero (an empty slot's).
  @Test func firstWordIsZero() {
    var words = SecantMemoryWords<Double>(groups: 1, groupSize: 3)
    #expect(Self.write(&words, theta: [1, 2, 3], gradient: [4, 5, 6]) == [0, 0, 0, 0, 0, 0, 0, 0])
  }

  /// θ₀ = (1, 1), g₀ = (2, 0); θ₁ = (0, 1), g₁ = (1, 1): s = (−1, 0),
  /// y = (−1, 1), worked by hand; then a third point for the step's rate.
  @Test func wordsMatchHandComputedValues() {
    var words = SecantMemoryWords<Double>(groups: 1, groupSize: 2)
    _ = Self.write(&words, theta: [1, 1], gradient: [2, 0])
    let second = Self.write(&words, theta: [0, 1], gradient: [1, 1])
    let half = 0.5.squareRoot()
    let expected: [Double] = [
      half,  // ⟨s,y⟩ = 1, ‖s‖ = 1, ‖y‖ = √2
      half,  // ⟨g₁,g₀⟩ = 2, ‖g₁‖ = √2, ‖g₀‖ = 2
      1,  // s is exactly −g₀'s direction
      -1.0 / 3,  // tanh ln(√2/2) = (½ − 1)/(½ + 1)
      0,  // no step before s
      1.0 / 3,  // q(1/2): ⟨s,y⟩ = 1 over −⟨g₀,s⟩ = 2
      1.0 / 3,  // q(1/2): ⟨g₁,s⟩ = −1 over ⟨g₀,s⟩ = −2
      1,
    ]
    for k in expected.indices { #expect(abs(second[k] - expected[k]) < 1e-12, "component \(k)") }
    // s′ = (−1, 0), s = (0, −0.5): ‖s‖/‖s′‖ = ½, tanh ln ½ = −3/5.
    let third = Self.write(&words, theta: [0, 0.5], gradient: [1, 0.5])
    #expect(abs(third[4] - (-0.6)) < 1e-12)
  }

  /// Gradient descent with an exact line search on a quadratic: every step
  /// is one Newton unit along itself (component 5 is q(1) = ½) and leaves no
  /// directional derivative (component 6 is 0), whatever the matrix.
  @Test func exactLineSearchIsOneNewtonUnit() {
    var rng = RandomSource(seed: 11)
    let n = 6
    let diagonal = (0..<n).map { _ in Double(0.1 + 10 * abs(rng.gaussian())) }
    var theta = (0..<n).map { _ in Double(rng.gaussian()) }
    var words = SecantMemoryWords<Double>(groups: 1, groupSize: n)
    for step in 0..<5 {
      let g = zip(diagonal, theta).map { $0 * $1 }
      let word = Self.write(&words, theta: theta, gradient: g)
      if step > 0 {
        #expect(abs(word[5] - 0.5) < 1e-9, "step \(step): \(word[5])")
        #expect(abs(word[6]) < 1e-9, "step \(step): \(word[6])")
        #expect(word[0] > 0, "positive curvature along the step")
      }
      // α = gᵀg / gᵀAg.
      let gg = g.map { $0 * $0 }.reduce(0, +)
      let gAg = zip(g, diagonal).map { $0 * $0 * $1 }.reduce(0, +)
      theta = zip(theta, g).map { $0 - gg / gAg * $1 }
    }
  }

  /// Scaling the loss (g → c·g) and the parameters (θ → a·θ, g → g/a)
  /// writes the same words: the memory sees the trajectory's shape only.
  @Test(arguments: [(1e-9, 1.0), (1e6, 1.0), (1.0, 1e-5), (3e4, 2e3)] as [(Double, Double)])
  func wordsAreScaleFree(lossScale c: Double, parameterScale a: Double) {
    var rng = RandomSource(seed: 2)
    let n = 5
    let points = (0..<6).map { _ in (0..<n).map { _ in Double(rng.gaussian()) } }
    let gradients = (0..<6).map { _ in (0..<n).map { _ in Double(rng.gaussian()) } }
    var plain = SecantMemoryWords<Double>(groups: 1, groupSize: n)
    var scaled = plain
    for (theta, g) in zip(points, gradients) {
      let reference = Self.write(&plain, theta: theta, gradient: g)
      let moved = Self.write(&scaled, theta: theta.map { a * $0 }, gradient: g.map { c * $0 / a })
      for k in reference.indices { #expect(abs(reference[k] - moved[k]) < 1e-9) }
    }
  }

  /// A step that does not move, a gradient that does not change, and
  /// non-finite values write zeros where the ratio has no value, never NaN.
  @Test func degeneratePairsWriteFiniteWords() {
    var words = SecantMemoryWords<Double>(groups: 1, groupSize: 2)
    _ = Self.write(&words, theta: [1, 1], gradient: [1, 1])
    let still = Self.write(&words, theta: [1, 1], gradient: [1, 1])
    #expect(still == [0, 1, 0, 0, 0, 0, 0, 1])
    let huge = Self.write(&words, theta: [.greatestFiniteMagnitude, 1], gradient: [.infinity, 1])
    #expect(huge.allSatisfy { $0.isFinite })
  }

  /// Each optimizee of a batch gets its own word from its own coordinates.
  @Test func groupsAreIndependent() {
    var batch = SecantMemoryWords<Double>(groups: 2, groupSize: 2)
    var first = SecantMemoryWords<Double>(groups: 1, groupSize: 2)
    var second = first
    let thetas: [[Double]] = [[1, 2, 3, 4], [0.5, 1, 2, 5], [0.2, 0.1, 1, 7]]
    let gradients: [[Double]] = [[1, -1, 2, 2], [0.3, -0.2, 1, -1], [0.1, 0, 3, 0.5]]
    for (theta, g) in zip(thetas, gradients) {
      let both = Self.write(&batch, theta: theta, gradient: g)
      let a = Self.write(&first, theta: Array(theta[0..<2]), gradient: Array(g[0..<2]))
      let b = Self.write(&second, theta: Array(theta[2..<4]), gradient: Array(g[2..<4]))
      #expect(both == a + b)
    }
  }

  /// The DNC's flop count follows its memory: the secant words add their
  /// statistics (18 per coordinate) and drop the write vector's share of the
  /// pooled interface (2HW per coordinate).
  @Test func flopsCountTheWordsInsteadOfTheVector() throws {
    func flops(_ memory: DNCMemoryContent) throws -> Double {
      let configuration = DNCOptimizerConfiguration(memoryContent: memory)
      return try #require(
        DNCOptimizer(weights: DNCOptimizerWeights(configuration: configuration, seed: 1), dimension: 10).flopsPerStep)
    }
    let (h, w) = (20.0, 8.0)
    #expect(try flops(.secant) - flops(.learned) == 10 * (18 - 2 * h * w))
  }
}
