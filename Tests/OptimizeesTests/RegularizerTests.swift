import LinearAlgebra
import Testing

@testable import Optimizees

/// Penalties and proximal operators against hand-computed values.
@Suite struct RegularizerTests {
  struct Case: Sendable, CustomTestStringConvertible {
    let regularizer: Regularizer
    let step: Float
    let input: [Float]
    let penalty: Float
    let proximal: [Float]
    var testDescription: String { "\(regularizer) τ=\(step)" }
  }

  static let cases: [Case] = [
    // Soft thresholding at τλ = 1.
    Case(
      regularizer: .l1(lambda: 0.5), step: 2, input: [3, -0.5, 1, -2, 0],
      penalty: 0.5 * 6.5, proximal: [2, 0, 0, -1, 0]),
    // Hard thresholding at √(2τλ) = 1: |v| ≤ 1 is zeroed, the rest kept.
    Case(
      regularizer: .l0(lambda: 0.25), step: 2, input: [3, -0.5, 1, -2, 0],
      penalty: 0.25 * 4, proximal: [3, 0, 0, -2, 0]),
    // Block soft thresholding at τλ = 1: (3, 4) has norm 5 → ×0.8; (0.3, 0.4) → 0;
    // the partial last group (−2) has norm 2 → ×0.5.
    Case(
      regularizer: .groupL2(lambda: 1, groupSize: 2), step: 1, input: [3, 4, 0.3, 0.4, -2],
      penalty: 5 + 0.5 + 2, proximal: [2.4, 3.2, 0, 0, -1]),
    Case(regularizer: .none, step: 3, input: [1, -2], penalty: 0, proximal: [1, -2]),
  ]

  @Test(arguments: cases)
  func penaltyAndProximalMatchHandComputedValues(_ c: Case) {
    #expect(abs(c.regularizer.penalty(c.input) - c.penalty) < 1e-6)
    var x = c.input
    c.regularizer.applyProximal(&x, step: c.step)
    for (got, expected) in zip(x, c.proximal) { #expect(abs(got - expected) < 1e-6, "\(x)") }
  }

  /// prox_{τΩ}(v) minimises ½‖x − v‖² + τΩ(x): no nearby point (nor 0,
  /// nor v itself) does better.
  @Test(arguments: [
    Regularizer.l1(lambda: 0.3), .l0(lambda: 0.3), .groupL2(lambda: 0.3, groupSize: 3),
  ])
  func proximalPointMinimisesTheProximalObjective(_ regularizer: Regularizer) {
    var rng = RandomSource(seed: 17)
    let tau: Float = 0.7
    func objective(_ x: [Float], _ v: [Float]) -> Double {
      var squares: Double = 0
      for i in x.indices { squares += Double(x[i] - v[i]) * Double(x[i] - v[i]) }
      return 0.5 * squares + Double(tau * regularizer.penalty(x))
    }
    for _ in 0..<20 {
      let v = rng.gaussianArray(count: 9)
      var prox = v
      regularizer.applyProximal(&prox, step: tau)
      let best = objective(prox, v)
      #expect(best <= objective(v, v) + 1e-6)
      #expect(best <= objective([Float](repeating: 0, count: 9), v) + 1e-6)
      for _ in 0..<20 {
        let nearby = prox.map { $0 + 0.05 * rng.gaussian() }
        #expect(best <= objective(nearby, v) + 1e-6)
      }
    }
  }

  /// The prox with a step per coordinate: equal steps give `prox_{τΩ}`;
  /// for the separable penalties coordinate i is the scalar prox at its own
  /// τᵢ, and a group takes its coordinates' mean step.
  @Test(arguments: [
    Regularizer.l1(lambda: 0.3), .l0(lambda: 0.3), .groupL2(lambda: 0.3, groupSize: 3), .none,
  ])
  func perCoordinateStepsMatchTheScalarProx(_ regularizer: Regularizer) {
    var rng = RandomSource(seed: 23)
    let v = rng.gaussianArray(count: 10)
    var uniform = v
    regularizer.applyProximal(&uniform, step: 0.6)
    var perCoordinate = v
    let equal = [Float](repeating: 0.6, count: 10)
    equal.withUnsafeBufferPointer { tau in
      perCoordinate.withUnsafeMutableBufferPointer { regularizer.applyProximal($0, steps: tau) }
    }
    #expect(uniform == perCoordinate)

    let block = regularizer.proximalBlockSize
    let steps = (0..<10).map { Float(0.2 + 0.3 * Double($0 / block)) }
    var mixed = v
    steps.withUnsafeBufferPointer { tau in
      mixed.withUnsafeMutableBufferPointer { regularizer.applyProximal($0, steps: tau) }
    }
    var start = 0
    while start < 10 {
      let end = min(start + block, 10)
      var piece = Array(v[start..<end])
      regularizer.applyProximal(&piece, step: steps[start])
      #expect(Array(mixed[start..<end]) == piece, "block at \(start)")
      start = end
    }
  }

  /// With a step of its own on every coordinate (constant over each
  /// group), one proximal-gradient step leaves the lasso and group-lasso
  /// solutions where they are: the fixed points do not depend on the steps.
  @Test(arguments: ["lasso", "group-lasso"])
  func minimiserIsAFixedPointForAnyPositiveSteps(_ name: String) throws {
    let problem = try #require(try ProblemCatalog.make(name).sample(seed: 5) as? SparseCodingProblem)
    let (_, gradient) = Evaluate.smoothWithGradient(problem, at: problem.solution)
    let lipschitz = try #require(problem.smoothLipschitz)
    let block = problem.regularizer.proximalBlockSize
    var rng = RandomSource(seed: 2)
    var steps = [Float](repeating: 0, count: problem.dimension)
    for start in stride(from: 0, to: steps.count, by: block) {
      let tau = (0.2 + 1.5 * rng.uniform()) / lipschitz
      for i in start..<min(start + block, steps.count) { steps[i] = tau }
    }
    var next = (0..<problem.dimension).map { problem.solution[$0] - steps[$0] * gradient[$0] }
    steps.withUnsafeBufferPointer { tau in
      next.withUnsafeMutableBufferPointer { problem.regularizer.applyProximal($0, steps: tau) }
    }
    let residual = VectorMath.distance(next, problem.solution) / (1 + VectorMath.norm(problem.solution))
    #expect(residual <= 1e-5, "relative residual \(residual)")
  }

  @Test func sparseCodingClassesUseTheirPenalty() throws {
    let expected: [String: Regularizer] = [
      "lasso": .l1(lambda: 0.005), "sparse-l0": .l0(lambda: 0.005),
      "group-lasso": .groupL2(lambda: 0.01, groupSize: 5),
    ]
    for (name, regularizer) in expected {
      #expect(try ProblemCatalog.make(name).sample(seed: 1).regularizer == regularizer)
    }
    let custom = try ProblemCatalog.make("group-lasso", options: ["lambda": "0.2", "group": "10"])
    #expect(custom.sample(seed: 1).regularizer == .groupL2(lambda: 0.2, groupSize: 10))
  }
}
