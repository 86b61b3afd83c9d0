import Testing

@testable import Optimizers

/// ``SecantStepState``: the secant step of the learned `secant` rule against
/// closed forms, and its scale invariance.
@Suite struct SecantStepTests {
  /// Advances `state` with θ and g and returns (−η̂·g, displacement).
  static func advance(_ state: inout SecantStepState, theta: [Float], gradient: [Float]) -> ([Float], [Float]) {
    var scaled = [Float](repeating: .nan, count: theta.count)
    var moved = scaled
    state.advance(theta: theta, gradient: gradient, scaledGradient: &scaled, displacement: &moved)
    return (scaled, moved)
  }

  /// The first step has RMS length `baseStep` and no displacement.
  @Test func firstStepHasTheBaseRMSLength() {
    var state = SecantStepState(groups: 1, groupSize: 4, baseStep: 0.5)
    let (scaled, moved) = Self.advance(&state, theta: [1, 2, 3, 4], gradient: [3, -4, 0, 0])
    let rms = (scaled.map { $0 * $0 }.reduce(0, +) / 4).squareRoot()
    #expect(abs(rms - 0.5) < 1e-6)
    #expect(scaled[0] < 0 && scaled[1] > 0, "a descent direction")
    #expect(moved == [0, 0, 0, 0])
  }

  /// On f = (c/2)‖θ‖² (g = cθ) the secant step is exactly 1/c, for every
  /// scale c — the invariance that lets the rule converge at any distance
  /// from the optimum — and each problem of a batch gets its own.
  @Test(arguments: [1e-6, 1e-2, 1.0, 37.0, 1e5] as [Float])
  func secantStepIsTheInverseCurvature(curvature c: Float) {
    var state = SecantStepState(groups: 2, groupSize: 3, baseStep: 0.1)
    let first: [Float] = [1, -2, 0.5, 4, 4, 4]
    let curvatures: [Float] = [c, c, c, 2 * c, 2 * c, 2 * c]
    _ = Self.advance(&state, theta: first, gradient: zip(curvatures, first).map { $0 * $1 })
    let second: [Float] = [0.9, -1.5, 0.25, 3, 2, 1]
    let (scaled, moved) = Self.advance(&state, theta: second, gradient: zip(curvatures, second).map { $0 * $1 })
    #expect(abs(state.steps[0] * c - 1) < 1e-5)
    #expect(abs(state.steps[1] * 2 * c - 1) < 1e-5)
    for i in 0..<6 {
      // −η̂·g = −θ: the secant step lands on the optimum of this quadratic.
      #expect(abs(scaled[i] + second[i]) < 1e-5 * max(1, abs(second[i])))
      #expect(moved[i] == second[i] - first[i])
    }
  }

  /// The largest-curvature estimate keeps the smallest step seen: on
  /// diag(1, 9) the pair along the second axis gives 1/9, and a later pair
  /// along the first (curvature 1) does not raise it.
  @Test func largestCurvatureKeepsTheSmallestStep() {
    var state = SecantStepState(groups: 1, groupSize: 2, baseStep: 1, estimate: .largestCurvature)
    _ = Self.advance(&state, theta: [1, 1], gradient: [1, 9])
    _ = Self.advance(&state, theta: [1, 0.5], gradient: [1, 4.5])
    #expect(abs(state.steps[0] - 1 / 9) < 1e-6)
    _ = Self.advance(&state, theta: [0.5, 0.5], gradient: [0.5, 4.5])
    #expect(abs(state.steps[0] - 1 / 9) < 1e-6)
  }

  /// A problem whose iterate or gradient did not change keeps its step.
  @Test func noMovementKeepsTheStep() {
    var state = SecantStepState(groups: 1, groupSize: 2, baseStep: 1)
    _ = Self.advance(&state, theta: [1, 1], gradient: [2, 2])
    _ = Self.advance(&state, theta: [0.5, 0.5], gradient: [1, 1])
    #expect(abs(state.steps[0] - 0.5) < 1e-6)
    _ = Self.advance(&state, theta: [0.5, 0.5], gradient: [1, 1])
    #expect(abs(state.steps[0] - 0.5) < 1e-6)
    _ = Self.advance(&state, theta: [0.25, 0.5], gradient: [1, 1])
    #expect(abs(state.steps[0] - 0.5) < 1e-6, "y = 0: the gradient did not change")
  }

  /// A zero gradient at the start gives the base step instead of ∞.
  @Test func zeroFirstGradientGivesTheBaseStep() {
    var state = SecantStepState(groups: 1, groupSize: 2, baseStep: 0.3)
    let (scaled, _) = Self.advance(&state, theta: [1, 1], gradient: [0, 0])
    #expect(state.steps[0] == 0.3 && scaled == [-0, -0])
  }

  /// The manifest record keeps the rule; records without one (every session
  /// saved before the rule existed) are additive; a bad one is refused.
  @Test func configurationRecordsTheRule() {
    let secant = LSTMOptimizerConfiguration(hiddenSize: 8, preprocessing: .momenta(time: true), outputScale: 0.1, update: .secant)
    #expect(secant.record["update"] == "secant")
    #expect(LSTMOptimizerConfiguration(record: secant.record) == secant)
    let additive = LSTMOptimizerConfiguration(hiddenSize: 8, outputScale: 0.1)
    #expect(additive.record["update"] == nil)
    #expect(LSTMOptimizerConfiguration(record: additive.record)?.update == .additive)
    var bad = secant.record
    bad["update"] = "sideways"
    #expect(LSTMOptimizerConfiguration(record: bad) == nil)
  }

  /// The secant rule's head has two outputs and starts at zero (exactly BB).
  @Test func secantHeadHasTwoOutputs() throws {
    let configuration = LSTMOptimizerConfiguration(hiddenSize: 4, update: .secant)
    let weights = LSTMOptimizerWeights(configuration: configuration, seed: 1)
    let head = try #require(weights.slot("head.weight"))
    let bias = try #require(weights.slot("head.bias"))
    #expect(head.shape == [4, 2] && bias.shape == [2])
    #expect(Array(weights.values[bias.range]) == [0, 0])
    #expect(weights.values[head.range].allSatisfy { $0 == 0 })
    #expect(
      LSTMOptimizerWeights.parameterCount(configuration)
        == LSTMOptimizerWeights.parameterCount(LSTMOptimizerConfiguration(hiddenSize: 4)) + 5)
  }
}

/// The hand-designed Barzilai–Borwein method built on the same step.
@Suite struct BarzilaiBorweinTests {
  /// On f = ½ θᵀ diag(1, 4) θ: the first step has RMS length η, the second
  /// is ‖s‖/‖y‖ computed by hand.
  @Test func twoStepsByHand() {
    var optimizer = OptimizerConfiguration(kind: .bb, learningRate: 0.5).make(dimension: 2, lipschitz: nil)
    let curvature: [Float] = [1, 4]
    var theta: [Float] = [1, 1]
    func gradient(_ t: [Float]) -> [Float] { zip(curvature, t).map { $0 * $1 } }
    let g0 = gradient(theta)  // [1, 4], rms √8.5
    optimizer.step(parameters: &theta, gradient: g0)
    let eta0 = 0.5 / Float(8.5).squareRoot()
    #expect(abs(theta[0] - (1 - eta0)) < 1e-6 && abs(theta[1] - (1 - 4 * eta0)) < 1e-6)
    let theta1 = theta
    let g1 = gradient(theta)
    optimizer.step(parameters: &theta, gradient: g1)
    let s = [theta1[0] - 1, theta1[1] - 1], y = [g1[0] - g0[0], g1[1] - g0[1]]
    let eta1 = ((s[0] * s[0] + s[1] * s[1]) / (y[0] * y[0] + y[1] * y[1])).squareRoot()
    #expect(abs(theta[0] - (theta1[0] - eta1 * g1[0])) < 1e-6)
    #expect(abs(theta[1] - (theta1[1] - eta1 * g1[1])) < 1e-6)
    #expect(abs(optimizer.proximalStep - eta1) < 1e-6)
  }

  /// BB reaches a 10-d quadratic's optimum to many decades, where a fixed
  /// step stalls at its conditioning's rate.
  @Test func convergesOnAnIllConditionedQuadratic() {
    let n = 10
    let curvature = (0..<n).map { i in (0..<i).reduce(Float(1)) { value, _ in value * 2.3 } }  // κ = 2.3⁹ ≈ 1800
    var optimizer = OptimizerConfiguration(kind: .bb, learningRate: 0.1).make(dimension: n, lipschitz: nil)
    var theta = [Float](repeating: 1, count: n)
    func loss(_ t: [Float]) -> Float { zip(curvature, t).map { 0.5 * $0 * $1 * $1 }.reduce(0, +) }
    let start = loss(theta)
    for _ in 0..<300 { optimizer.step(parameters: &theta, gradient: zip(curvature, theta).map { $0 * $1 }) }
    #expect(loss(theta) < 1e-8 * start, "BB reached \(loss(theta)) from \(start)")
  }
}

/// The untrained secant rules are the hand-designed methods they start
/// from: with the head at zero the factor is 1 and the momentum 0.
@Suite struct UntrainedSecantRuleTests {
  static func run(_ optimizer: inout any Optimizer, steps: Int) -> [Float] {
    let curvature: [Float] = [0.5, 1, 3, 8]
    var theta: [Float] = [1, -1, 0.5, 2]
    for _ in 0..<steps { optimizer.step(parameters: &theta, gradient: zip(curvature, theta).map { $0 * $1 }) }
    return theta
  }

  @Test func untrainedSecantRuleIsBarzilaiBorwein() {
    let configuration = LSTMOptimizerConfiguration(hiddenSize: 3, preprocessing: .momenta(time: true), outputScale: 0.2, update: .secant)
    var learned: any Optimizer = LSTMOptimizer(weights: LSTMOptimizerWeights(configuration: configuration, seed: 4), dimension: 4)
    var bb: any Optimizer = BarzilaiBorwein(dimension: 4, learningRate: 0.2)
    let (a, b) = (Self.run(&learned, steps: 12), Self.run(&bb, steps: 12))
    for i in 0..<4 { #expect(abs(a[i] - b[i]) <= 1e-6 * max(1, abs(b[i])), "coordinate \(i): \(a[i]) vs \(b[i])") }
  }

  /// The untrained curvature rule is gradient descent with step 1/L̂; on
  /// this diagonal quadratic the first secant pair already sees a
  /// curvature close to the largest, so the iterates decrease monotonically.
  @Test func untrainedCurvatureRuleDescends() {
    let configuration = LSTMOptimizerConfiguration(hiddenSize: 3, outputScale: 0.2, update: .curvature)
    var learned: any Optimizer = LSTMOptimizer(weights: LSTMOptimizerWeights(configuration: configuration, seed: 4), dimension: 4)
    let curvature: [Float] = [0.5, 1, 3, 8]
    func loss(_ t: [Float]) -> Float { zip(curvature, t).map { 0.5 * $0 * $1 * $1 }.reduce(0, +) }
    var theta: [Float] = [1, -1, 0.5, 2]
    var previous = loss(theta)
    for step in 0..<30 {
      learned.step(parameters: &theta, gradient: zip(curvature, theta).map { $0 * $1 })
      if step >= 1 { #expect(loss(theta) <= previous * (1 + 1e-6), "step \(step)") }
      previous = loss(theta)
    }
    #expect(previous < 0.2 * loss([1, -1, 0.5, 2]))
  }
}
