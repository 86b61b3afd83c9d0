import Optimizers
import Testing

/// Each optimizer against three steps worked out by hand from its update
/// rule, on the same fixed gradient sequence:
/// θ₀ = (1, −2), g₁ = (0.5, −1), g₂ = (−0.25, 2), g₃ = (1, 0.5), η = 0.1.
@Suite struct HandComputedStepTests {
  struct Case: Sendable, CustomTestStringConvertible {
    let configuration: OptimizerConfiguration
    /// θ after steps 1, 2, 3.
    let expected: [[Double]]
    var testDescription: String { configuration.description }
  }

  static let start: [Float] = [1, -2]
  static let gradients: [[Float]] = [[0.5, -1], [-0.25, 2], [1, 0.5]]
  /// ISTA and FISTA get η = 1/L from this L, the others η = 0.1 explicitly.
  static let lipschitz: Float = 10

  static let cases: [Case] = [
    // θ ← θ − 0.1 g.
    Case(
      configuration: .init(kind: .sgd, learningRate: 0.1),
      expected: [[0.95, -1.9], [0.975, -2.1], [0.875, -2.15]]),
    // v₁ = g₁; v₂ = 0.9·(0.5, −1) + (−0.25, 2) = (0.2, 1.1);
    // v₃ = 0.9·(0.2, 1.1) + (1, 0.5) = (1.18, 1.49).
    Case(
      configuration: .init(kind: .momentum, learningRate: 0.1),
      expected: [[0.95, -1.9], [0.93, -2.01], [0.812, -2.159]]),
    // Same velocities; θ ← θ − 0.1(g + 0.9v): step 1 moves by 0.19·g₁,
    // step 2 by 0.1·((−0.25, 2) + 0.9·(0.2, 1.1)) = (−0.007, 0.299).
    Case(
      configuration: .init(kind: .nag, learningRate: 0.1),
      expected: [[0.905, -1.81], [0.912, -2.109], [0.7058, -2.2931]]),
    // s₁ = 0.1 g₁², so step 1 is 0.1·g/(|g|·√0.1) = 0.1·√10·sign(g) ≈ 0.316.
    Case(
      configuration: .init(kind: .rmsprop, learningRate: 0.1),
      expected: [
        [0.683772254, -1.68377224], [0.831214201, -1.96948653], [0.549356279, -2.04273137],
      ]),
    // Step 1: m̂ = g, v̂ = g², so θ moves by 0.1·sign(g).
    Case(
      configuration: .init(kind: .adam, learningRate: 0.1),
      expected: [[0.9, -1.9], [0.873366299, -1.93661035], [0.80755514, -1.97817547]]),
    // G₁ = g₁² (step 0.1·sign(g)); G₂ = (0.3125, 5): step 2 is
    // 0.1·(−0.25/√0.3125, 2/√5) = (−0.0447214, 0.0894427).
    Case(
      configuration: .init(kind: .adagrad, learningRate: 0.1),
      expected: [[0.9, -1.9], [0.944721361, -1.98944272], [0.857434205, -2.01126451]]),
    // η = 1/L = 0.1 and no prox here, so ISTA is SGD.
    Case(
      configuration: .init(kind: .ista),
      expected: [[0.95, -1.9], [0.975, -2.1], [0.875, -2.15]]),
    // β₁ = β₂ = 0 (t₁ = 1), so the first two steps are ISTA's; then
    // t₂ = (1 + √5)/2, t₃ = (1 + √(1 + 4t₂²))/2, β₃ = (t₂ − 1)/t₃ ≈ 0.282,
    // y₃ = x₂ + β₃(x₂ − x₁), x₃ = y₃ − 0.1 g₃.
    Case(
      configuration: .init(kind: .fista),
      expected: [[0.95, -1.9], [0.975, -2.1], [0.882043838, -2.20635071]]),
  ]

  @Test(arguments: cases)
  func threeSteps(_ testCase: Case) {
    var optimizer = testCase.configuration.make(dimension: 2, lipschitz: Self.lipschitz)
    let run = runFixedGradients(&optimizer, from: Self.start, gradients: Self.gradients)
    for (step, (got, want)) in zip(run.iterates, testCase.expected).enumerated() {
      #expect(isClose(got, want, tolerance: 1e-6), "step \(step + 1): got \(got), want \(want)")
    }
  }

  @Test func fistaGradientPointsAreTheExtrapolatedPoints() {
    var optimizer = OptimizerConfiguration(kind: .fista).make(dimension: 2, lipschitz: Self.lipschitz)
    let run = runFixedGradients(&optimizer, from: Self.start, gradients: Self.gradients)
    let expected: [[Double]] = [[1, -2], [0.95, -1.9], [0.982043838128133, -2.1563507050250643]]
    for (got, want) in zip(run.gradientPoints, expected) {
      #expect(isClose(got, want, tolerance: 1e-6), "got \(got), want \(want)")
    }
  }

  @Test(arguments: OptimizerKind.allCases)
  func nameAndProximalStep(_ kind: OptimizerKind) {
    let optimizer = OptimizerConfiguration(kind: kind, learningRate: 0.03).make(dimension: 3, lipschitz: 5)
    #expect(optimizer.name == kind.rawValue)
    #expect(optimizer.proximalStep == 0.03)
    #expect(optimizer.usesLookahead == (kind == .fista))
  }
}
