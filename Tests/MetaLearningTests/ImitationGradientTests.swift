import Autodiff
import LinearAlgebra
import Optimizees
import Optimizers
import Testing

@testable import Evaluation
@testable import MetaLearning

/// Gradient checks of the imitation term `w·(1/n)Σ((Δθ − Δθᴬ)/α)²`: the node
/// alone against central differences in Δθ (a fresh Adam trace per
/// evaluation, since the node advances it), and whole unrolls of the LSTM and
/// the DNC with imitation on. Beyond the first step Adam's target depends on
/// the gradients along the trajectory, which the meta-gradient holds
/// constant (the optimizee's second derivatives are dropped) while finite
/// differences would move them; one step from θ₀ is where both see exactly
/// the same function.
@Suite struct ImitationGradientTests {
  static let imitation = Imitation(learningRate: 0.05, weight: 0.7, probability: 1)

  /// The term after `history` earlier gradients, at the learned step `delta`.
  static func term(delta: [Double], history: [[Double]], gradient: [Double]) -> (tape: Tape<Double>, node: Variable<Double>, leaf: Variable<Double>, value: Double) {
    var trace = ImitationTrace(imitation, count: delta.count)
    var scratch = [Double](repeating: 0, count: delta.count)
    for g in history {
      g.withUnsafeBufferPointer { source in scratch.withUnsafeMutableBufferPointer { trace.step(gradient: source, into: $0) } }
    }
    let tape = Tape<Double>()
    let leaf = tape.variable(Tensor(shape: .vector(delta.count), scalars: delta))
    var value = 0.0
    let node = UnrollGraph<Double>.imitation(tape: tape, delta: leaf, gradient: gradient, trace: &trace, value: &value)
    return (tape, node, leaf, value)
  }

  @Test(arguments: [0, 1, 5])
  func nodeGradientMatchesFiniteDifferences(earlierSteps: Int) {
    var rng = RandomSource(seed: 11)
    let n = 6
    let history = (0..<earlierSteps).map { _ in (0..<n).map { _ in Double(rng.gaussian()) } }
    let gradient = (0..<n).map { _ in Double(rng.gaussian()) }
    let delta = (0..<n).map { _ in Double(rng.gaussian()) * 0.05 }
    let base = Self.term(delta: delta, history: history, gradient: gradient)
    #expect(base.tape.value(of: base.node).scalars[0] == base.value)
    base.tape.backward(from: base.node)
    let analytic = base.tape.gradient(of: base.leaf).scalars
    let worst = UnrollGradientCheck.worstRelativeError(of: analytic, at: delta) { d in
      Self.term(delta: d, history: history, gradient: gradient).value
    }
    #expect(worst < 1e-6, "worst relative error \(worst)")
    #expect(analytic.contains { $0 != 0 })
  }

  /// At Adam's own step the term and its gradient vanish; at the opposite
  /// step it is 4w (Adam's first step is α·sign(g) up to ε = 10⁻⁸ against
  /// |g|: 10⁻⁵ relative for the smallest gradient here), as the type's
  /// documentation says.
  @Test func termIsScaleFreeAtAdamsStep() {
    let gradient = [0.3, -2.0, 1e-3]
    var trace = ImitationTrace(Self.imitation, count: 3)
    var adam = [Double](repeating: 0, count: 3)
    gradient.withUnsafeBufferPointer { source in adam.withUnsafeMutableBufferPointer { trace.step(gradient: source, into: $0) } }
    #expect(Self.term(delta: adam, history: [], gradient: gradient).value < 1e-20)
    let opposite = Self.term(delta: adam.map { -$0 }, history: [], gradient: gradient).value
    #expect(abs(opposite - 4 * Double(Self.imitation.weight)) < 1e-4)
  }

  @Test(arguments: MetaObjective.allCases)
  func lstmUnrollWithImitationMatchesFiniteDifferences(objective: MetaObjective) throws {
    let configuration = LSTMOptimizerConfiguration(layers: 2, hiddenSize: 4, preprocessing: .logAndSign(k: 5), outputScale: 0.1)
    let weights = LSTMOptimizerWeights(configuration: configuration, seed: 3).values.map(Double.init)
    var oracle = DoubleQuadratics(batch: 2, dimension: 3, seed: 1)
    var initial = LSTMUnrollTests.start(configuration, oracle: &oracle)
    let plain = UnrollGradientCheck.lstm(
      configuration: configuration, weights: weights, objective: objective, steps: 1, initial: initial, oracle: &oracle)
    initial.imitation = ImitationTrace(Self.imitation, count: initial.theta.count)
    let check = UnrollGradientCheck.lstm(
      configuration: configuration, weights: weights, objective: objective, steps: 1, initial: initial, oracle: &oracle)
    #expect(check.worst < 1e-4, "worst relative error \(check.worst)")
    // The term is in the loop: it changes the meta-gradient, not the iterates.
    #expect(zip(check.gradient, plain.gradient).contains { abs($0 - $1) > 1e-8 })
    #expect(check.theta == plain.theta)
  }

  @Test func dncUnrollWithImitationMatchesFiniteDifferences() throws {
    let configuration = DNCOptimizerConfiguration(
      hiddenSize: 4, memorySlots: 4, wordSize: 3, readHeads: 2, preprocessing: .logAndSign(k: 5), outputScale: 0.1)
    let weights = DNCOptimizerWeights(configuration: configuration, seed: 3).values.map(Double.init)
    var oracle = DoubleQuadratics(batch: 2, dimension: 3, seed: 1)
    var initial = DNCUnrollTests.start(configuration, oracle: &oracle)
    let plain = UnrollGradientCheck.dnc(
      configuration: configuration, weights: weights, objective: .lossSum, steps: 1, initial: initial, oracle: &oracle)
    initial.base.imitation = ImitationTrace(Self.imitation, count: initial.base.theta.count)
    let (check, _) = UnrollGradientCheck.dnc(
      configuration: configuration, weights: weights, objective: .lossSum, steps: 1, initial: initial, oracle: &oracle)
    #expect(check.worst < 1e-4, "worst relative error \(check.worst)")
    #expect(zip(check.gradient, plain.result.gradient).contains { abs($0 - $1) > 1e-8 })
  }
}
