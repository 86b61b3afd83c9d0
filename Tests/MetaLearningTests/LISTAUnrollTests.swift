import LinearAlgebra
import Optimizees
import Optimizers
import Testing

@testable import Evaluation
@testable import MetaLearning

/// LISTA's hand-written backward pass against central finite differences of
/// the whole T-step forward, in Double, and the racer against the training
/// forward.
@Suite struct LISTAUnrollTests {
  struct Case: Sendable, CustomTestStringConvertible {
    var penalty: SparseCodingClass.Penalty
    var momentum: Bool
    var objective: LISTAObjective
    var testDescription: String { "\(penalty.rawValue) momentum=\(momentum) \(objective.rawValue)" }
  }

  static let cases: [Case] = [
    Case(penalty: .l1, momentum: false, objective: .logRelative),
    Case(penalty: .l1, momentum: false, objective: .relative),
    Case(penalty: .l1, momentum: true, objective: .logRelative),
    Case(penalty: .group, momentum: true, objective: .relative),
    Case(penalty: .group, momentum: false, objective: .logRelative),
    Case(penalty: .l0, momentum: true, objective: .logRelative),
  ]

  /// Raw parameters away from the ISTA initialisation, so that every map
  /// (sigmoids, exponentials, the momentum-dependent step bound) has a
  /// non-trivial derivative.
  static func raw(_ configuration: LISTAConfiguration, seed: UInt64) -> [Double] {
    var random = RandomSource(seed: seed, stream: 77)
    return (0..<configuration.parameterCount).map { _ in Double(random.uniform(-0.6, 0.6)) }
  }

  /// K = 4 layers unrolled over T = 7 steps, so the repeated last layer (and
  /// its tied threshold) is in the check too.
  @Test(arguments: cases) func gradientMatchesFiniteDifferences(_ testCase: Case) throws {
    let configuration = LISTAConfiguration(layers: 4, momentum: testCase.momentum)
    let problem = SparseCodingClass(penalty: testCase.penalty).instance(seed: 11)
    let instance = try #require(LISTAInstance(problem))
    let raw = Self.raw(configuration, seed: 3)
    let run = { (point: [Double], gradient: Bool) in
      LISTAUnroll.run(
        raw: point, configuration: configuration, instance: instance, steps: 7, objective: testCase.objective,
        gradient: gradient)
    }
    let analytic = run(raw, true).gradient
    let h = 1e-6
    var worst = 0.0
    for i in raw.indices {
      var above = raw, below = raw
      above[i] += h
      below[i] -= h
      let numeric = (run(above, false).loss - run(below, false).loss) / (2 * h)
      let scale = max(abs(numeric), abs(analytic[i]), 1e-6)
      worst = max(worst, abs(numeric - analytic[i]) / scale)
    }
    #expect(worst < 1e-5, "max relative error \(worst)")
    // The check must not pass vacuously.
    #expect(analytic.contains { abs($0) > 1e-4 })
  }

  /// On ℓ0 with a gate width κ the threshold's adjoint is the derivative
  /// of the smoothed gate x = v·σ((|v| − h)/(κh)), h = √(2τλ), with respect
  /// to τ: checked against central differences of that smoothed map, while
  /// v̄ stays the exact hard-threshold mask; κ = 0 gives zero.
  @Test func hardThresholdSurrogateIsTheSmoothedGatesDerivative() {
    let lambda = 0.02
    let v = [0.31, -0.27, 0.05, -0.6, 0.29, 0.0]
    let adjoint = [0.7, -1.1, 0.4, 0.9, 2.0, 1.0]
    let kappa = 0.1
    func smoothed(_ tau: Double) -> Double {
      let h = (2 * tau * lambda).squareRoot()
      var sum = 0.0
      for i in v.indices { sum += adjoint[i] * v[i] * LISTAParameters.sigmoid((abs(v[i]) - h) / (kappa * h)) }
      return sum
    }
    let tau = 2.0  // h = √0.08 ≈ 0.283: 0.31, −0.27 and 0.29 sit near it
    var vBar = [Double](repeating: 0, count: v.count)
    let surrogate = LISTAUnroll.proximalBackward(
      adjoint, input: v, step: tau, regularizer: .l0(lambda: Float(lambda)), inputAdjoint: &vBar, thresholdGate: kappa)
    let step = 1e-6
    let numeric = (smoothed(tau + step) - smoothed(tau - step)) / (2 * step)
    #expect(abs(surrogate - numeric) <= 1e-6 * max(1, abs(numeric)), "\(surrogate) vs \(numeric)")
    #expect(abs(surrogate) > 1e-3)
    let h = (2 * tau * lambda).squareRoot()
    #expect(vBar == v.indices.map { abs(v[$0]) <= h ? 0 : adjoint[$0] })
    let exact = LISTAUnroll.proximalBackward(
      adjoint, input: v, step: tau, regularizer: .l0(lambda: Float(lambda)), inputAdjoint: &vBar)
    #expect(exact == 0)
  }

  /// The Float racer driven like a race reproduces the Double training
  /// forward's relative error after T steps (the two share one definition).
  @Test(arguments: [false, true]) func racerMatchesTrainingForward(_ momentum: Bool) throws {
    let configuration = LISTAConfiguration(layers: 5, momentum: momentum)
    let raw = Self.raw(configuration, seed: 9)
    let parameters = LISTAParameters(configuration: configuration, values: raw.map { Float($0) })
    let problem = SparseCodingClass(penalty: .l1).instance(seed: 5)
    let instance = try #require(LISTAInstance(problem))
    let racer = LISTASession.racer(parameters: parameters)
    for steps in [3, 12] {
      let expected = LISTAUnroll.run(
        raw: parameters.values.map(Double.init), configuration: configuration, instance: instance, steps: steps,
        objective: .relative, gradient: false
      ).finalRelativeError
      let measured = Self.relativeError(of: racer, on: problem, steps: steps)
      #expect(abs(measured - expected) <= 1e-3 * expected + 1e-4, "steps \(steps): \(measured) vs \(expected)")
    }
  }

  /// (f(θ_T) − r)/r after `steps` race steps of `racer` (gradient point,
  /// step, prox — the race's protocol) on one problem.
  static func relativeError(of racer: Racer, on problem: SparseCodingProblem, steps: Int) -> Double {
    var problem = problem
    var optimizer = racer.makeOptimizer(problem)
    var theta = problem.initialParameters
    var gradient = [Float](repeating: 0, count: problem.dimension)
    var point = gradient
    for _ in 0..<steps {
      _ = problem.objective(at: theta, gradient: &gradient)
      if optimizer.usesLookahead {
        optimizer.gradientPoint(parameters: theta, into: &point)
        _ = point.withUnsafeBufferPointer { p in
          gradient.withUnsafeMutableBufferPointer { g in problem.smoothLoss(at: p, gradient: g) }
        }
      }
      optimizer.step(parameters: &theta, gradient: gradient)
      problem.regularizer.applyProximal(&theta, step: optimizer.proximalStep)
    }
    let loss = Double(problem.objective(at: theta, gradient: &gradient))
    return (loss - Double(problem.optimum)) / Double(problem.optimum)
  }
}
