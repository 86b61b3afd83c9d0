import Autodiff
import LinearAlgebra
import Optimizees
import Optimizers
import Testing

@testable import Evaluation
@testable import MetaLearning

@Suite struct ProximalUnrollTests {
  /// The penalties of the checks, with λ large enough that the prox zeroes
  /// some coordinates (groups) and keeps others.
  static let penalties: [Regularizer] = [.l1(lambda: 0.6), .l0(lambda: 0.08), .groupL2(lambda: 0.8, groupSize: 2)]

  /// The meta-gradient of a whole 4-step unroll of the LSTM optimizer on
  /// composite problems — learned update, then the prox, with ∂Ω in the
  /// loss's adjoint — against central differences of the meta-loss (features
  /// replayed, as the stop-gradient holds them). The iterates must be sparse
  /// and not all zero, so both branches of the prox are on the path.
  @Test(arguments: penalties, [MetaObjective.lossSum, .logLoss])
  func lstmUnrollGradientMatchesFiniteDifferences(penalty: Regularizer, objective: MetaObjective) {
    let configuration = LSTMOptimizerConfiguration(
      layers: 2, hiddenSize: 4, preprocessing: .logAndSign(k: 5), outputScale: 0.3)
    let weights = LSTMOptimizerWeights(configuration: configuration, seed: 3).values.map(Double.init)
    var oracle = DoubleComposite(batch: 2, dimension: 6, rows: 4, regularizer: penalty, seed: 1)
    var rng = RandomSource(seed: 5)
    let theta = UnrollGradientCheck.randomTheta(count: 12, scale: 0.5, rng: &rng)
    let initial = UnrollState(initialTheta: theta, configuration: configuration, oracle: &oracle)
    let check = UnrollGradientCheck.lstm(
      configuration: configuration, weights: weights, objective: objective, steps: 4, initial: initial, oracle: &oracle)
    #expect(check.theta.contains(0) && check.theta.contains { $0 != 0 }, "θ = \(check.theta)")
    #expect(check.worst < 1e-4, "worst relative error \(check.worst)")
    #expect(check.gradient.contains { $0 != 0 })
  }

  /// The secant rules on composite problems: each coordinate's prox takes
  /// the rule's own step exp(ℓ̄ᵢ)·η̂ (pooled over groups), so the meta-gradient
  /// flows through the thresholds too; checked over a 4-step unroll with the
  /// features and the step inputs (−η̂·g and η̂) held.
  @Test(arguments: penalties, [LearnedUpdateRule.curvature, .secant])
  func secantUnrollGradientMatchesFiniteDifferences(penalty: Regularizer, update: LearnedUpdateRule) {
    let configuration = LSTMOptimizerConfiguration(
      layers: 1, hiddenSize: 4, preprocessing: .logAndSign(k: 5), outputScale: 0.3, update: update)
    // The head starts at zero; random weights exercise every path.
    var rng = RandomSource(seed: 13)
    let weights = LSTMOptimizerWeights(configuration: configuration, seed: 3).values.map {
      Double($0) + 0.2 * Double(rng.gaussian())
    }
    var oracle = DoubleComposite(batch: 2, dimension: 6, rows: 4, regularizer: penalty, seed: 1)
    let theta = UnrollGradientCheck.randomTheta(count: 12, scale: 0.5, rng: &rng)
    let initial = UnrollState(initialTheta: theta, configuration: configuration, oracle: &oracle)
    let check = UnrollGradientCheck.lstm(
      configuration: configuration, weights: weights, objective: .logLoss, steps: 4, initial: initial, oracle: &oracle)
    #expect(check.theta.contains(0) && check.theta.contains { $0 != 0 }, "θ = \(check.theta)")
    #expect(check.worst < 1e-4, "worst relative error \(check.worst)")
  }

  /// The same check for the DNC optimizer, whose unroll ends its steps with
  /// the same prox (usage stop-gradient lifted, as in ``DNCUnrollTests``).
  @Test(arguments: penalties)
  func dncUnrollGradientMatchesFiniteDifferences(penalty: Regularizer) {
    let configuration = DNCOptimizerConfiguration(
      hiddenSize: 4, memorySlots: 3, wordSize: 2, readHeads: 1, preprocessing: .logAndSign(k: 5), outputScale: 0.3)
    var weights = DNCOptimizerWeights(configuration: configuration, seed: 3).values.map(Double.init)
    var rng = RandomSource(seed: 9)
    for i in DNCOptimizerWeights.tensorLayout(configuration)[7].range { weights[i] = Double(rng.gaussian()) * 0.5 }
    var oracle = DoubleComposite(batch: 2, dimension: 6, rows: 4, regularizer: penalty, seed: 1)
    let theta = UnrollGradientCheck.randomTheta(count: 12, scale: 0.5, rng: &rng)
    let initial = DNCUnrollState(initialTheta: theta, configuration: configuration, oracle: &oracle)
    let (check, _) = UnrollGradientCheck.dnc(
      configuration: configuration, weights: weights, objective: .lossSum, steps: 3, initial: initial, oracle: &oracle)
    #expect(check.theta.contains(0) && check.theta.contains { $0 != 0 }, "θ = \(check.theta)")
    #expect(check.worst < 1e-4, "worst relative error \(check.worst)")
  }

  /// The DNC under the secant rules on composite problems: the prox at each
  /// coordinate's own step, thresholds differentiated, as for the LSTM.
  @Test(arguments: penalties, [LearnedUpdateRule.curvature, .secant])
  func dncSecantUnrollGradientMatchesFiniteDifferences(penalty: Regularizer, update: LearnedUpdateRule) {
    let configuration = DNCOptimizerConfiguration(
      hiddenSize: 4, memorySlots: 3, wordSize: 2, readHeads: 1, preprocessing: .logAndSign(k: 5), outputScale: 0.3,
      update: update)
    // The head starts at zero; random weights exercise every path.
    var rng = RandomSource(seed: 13)
    let weights = DNCOptimizerWeights(configuration: configuration, seed: 3).values.map {
      Double($0) + 0.2 * Double(rng.gaussian())
    }
    var oracle = DoubleComposite(batch: 2, dimension: 6, rows: 4, regularizer: penalty, seed: 1)
    let theta = UnrollGradientCheck.randomTheta(count: 12, scale: 0.5, rng: &rng)
    let initial = DNCUnrollState(initialTheta: theta, configuration: configuration, oracle: &oracle)
    let (check, _) = UnrollGradientCheck.dnc(
      configuration: configuration, weights: weights, objective: .logLoss, steps: 4, initial: initial, oracle: &oracle)
    #expect(check.theta.contains(0) && check.theta.contains { $0 != 0 }, "θ = \(check.theta)")
    #expect(check.worst < 1e-4, "worst relative error \(check.worst)")
  }

  /// The tape's prox (through ``ProximalMap``) and the race's
  /// ``Regularizer/applyProximal(_:step:)`` give the same iterates.
  @Test(arguments: penalties, [Float(0.05), 0.5])
  func tapeProximalMatchesRegularizer(penalty: Regularizer, step: Float) throws {
    var rng = RandomSource(seed: 21)
    let v = (0..<40).map { _ in rng.gaussian() * 0.4 }
    var expected = v
    penalty.applyProximal(&expected, step: step)
    let map = try #require(ProximalMap(regularizer: penalty, step: Double(step)))
    let tape = Tape<Float>()
    let y = tape.value(
      of: tape.proximal(
        tape.constant(Tensor(shape: .matrix(40, 1), scalars: v)), kind: map.kind,
        thresholds: tape.constant(Tensor(shape: .vector(1), scalars: [Float(map.threshold)]))))
    for (a, b) in zip(y.scalars, expected) { #expect(abs(a - b) <= 1e-6 * max(1, abs(b)), "\(a) vs \(b)") }
    #expect(expected.contains(0) && expected.contains { $0 != 0 })
  }

  /// A race-time learned optimizer on a sparse coding problem (made by the
  /// racer as a race makes it, so its prox step is 1/L) and the training
  /// unroll take the same steps from the same state and weights.
  /// λ is chosen per class so the thresholds fall inside the spread of the
  /// steps: some coordinates (groups) are zeroed, others kept.
  /// Under the secant rules the prox takes each coordinate's own step.
  @Test(arguments: [("lasso", "0.1"), ("sparse-l0", "0.001"), ("group-lasso", "0.2")], LearnedUpdateRule.allCases)
  func raceStepMatchesTapeUnroll(problem problemAndLambda: (String, String), update: LearnedUpdateRule) throws {
    let (problemName, lambda) = problemAndLambda
    let configuration = LSTMOptimizerConfiguration(
      layers: 2, hiddenSize: 5, preprocessing: .logAndSign(k: 5), outputScale: 0.1, update: update)
    var weights = LSTMOptimizerWeights(configuration: configuration, seed: 8)
    // Larger head weights than the initialisation, so steps leave θ₀ = 0
    // and reach both sides of the thresholds.
    var rng = RandomSource(seed: 9)
    for i in weights.slots[3 * configuration.layers].range { weights.values[i] = rng.gaussian() * 0.5 }
    let problem = try ProblemCatalog.make(problemName, options: ["lambda": lambda]).sample(seed: 4)
    #expect(problem.smoothLipschitz != nil)
    var oracle = ProblemBatch(problems: [problem])
    var state = UnrollState(initialTheta: problem.initialParameters, configuration: configuration, oracle: &oracle)
    _ = LSTMUnroll<Float>.run(
      tape: Tape<Float>(), configuration: configuration, weights: weights.values, objective: .logLoss, steps: 8,
      state: &state, oracle: &oracle)

    Self.expectRaceMatches(state.theta, weights: .lstm(weights), problem: problem)
  }

  /// The DNC optimizer as a race makes it and its training unroll take the
  /// same steps on the sparse classes, under every update rule.
  @Test(arguments: [("lasso", "0.1"), ("sparse-l0", "0.001"), ("group-lasso", "0.2")], LearnedUpdateRule.allCases)
  func dncRaceStepMatchesTapeUnroll(problem problemAndLambda: (String, String), update: LearnedUpdateRule) throws {
    let (problemName, lambda) = problemAndLambda
    let configuration = DNCOptimizerConfiguration(
      hiddenSize: 5, memorySlots: 4, wordSize: 3, readHeads: 2, preprocessing: .logAndSign(k: 5), outputScale: 0.1,
      update: update)
    var weights = DNCOptimizerWeights(configuration: configuration, seed: 8)
    var rng = RandomSource(seed: 9)
    for i in try #require(weights.slot("head.weight")).range { weights.values[i] = rng.gaussian() * 0.5 }
    let problem = try ProblemCatalog.make(problemName, options: ["lambda": lambda]).sample(seed: 4)
    #expect(problem.smoothLipschitz != nil)
    var oracle = ProblemBatch(problems: [problem])
    var state = DNCUnrollState(initialTheta: problem.initialParameters, configuration: configuration, oracle: &oracle)
    _ = DNCUnroll<Float>.run(
      tape: Tape<Float>(), configuration: configuration, weights: weights.values, objective: .logLoss, steps: 8,
      state: &state, oracle: &oracle)

    Self.expectRaceMatches(state.base.theta, weights: .dnc(weights), problem: problem)
  }

  /// Races `weights` as a race makes its optimizer (prox step 1/L) for as
  /// many steps as `unrolled` came from, and expects the unroll's iterates,
  /// sparse and not all zero.
  static func expectRaceMatches(
    _ unrolled: [Float], weights: LearnedOptimizerWeights, problem: any Problem, steps: Int = 8
  ) {
    var racer = MetaTrainer.racer(weights: weights, name: "learned").makeOptimizer(problem)
    #expect(racer.proximalStep == problem.smoothLipschitz.map { 1 / $0 })
    var copy = problem
    var theta = problem.initialParameters
    var gradient = [Float](repeating: 0, count: problem.dimension)
    for _ in 0..<steps {
      _ = copy.objective(at: theta, gradient: &gradient)
      racer.step(parameters: &theta, gradient: gradient)
      racer.applyProximal(of: problem.regularizer, to: &theta)
    }
    for i in theta.indices {
      #expect(abs(theta[i] - unrolled[i]) < 1e-4 * max(1, abs(theta[i])), "coordinate \(i)")
    }
    #expect(theta.contains(0) && theta.contains { $0 != 0 }, "θ = \(theta)")
  }

  /// ∂Ω reaches the meta-gradient: on lasso with loss-sum, the unroll's
  /// meta-gradient differs from the one of the same unroll whose loss
  /// adjoint is ∇s alone.
  @Test func penaltyGradientChangesTheMetaGradient() {
    let configuration = LSTMOptimizerConfiguration(
      layers: 1, hiddenSize: 4, preprocessing: .logAndSign(k: 5), outputScale: 0.3)
    let weights = LSTMOptimizerWeights(configuration: configuration, seed: 3).values.map(Double.init)
    struct WithoutPenaltyGradient: BatchLossOracle {
      var inner: DoubleComposite
      var batch: Int { inner.batch }
      var dimension: Int { inner.dimension }
      func optimum(_ b: Int) -> Double { 0 }
      mutating func evaluate(
        _ b: Int, theta: UnsafeBufferPointer<Double>, gradient: UnsafeMutableBufferPointer<Double>
      ) -> Double { inner.evaluate(b, theta: theta, gradient: gradient) }
      func proximal(_ b: Int, defaultStep: Double) -> ProximalMap? { inner.proximal(b, defaultStep: defaultStep) }
    }
    var full = DoubleComposite(batch: 2, dimension: 6, rows: 4, regularizer: .l1(lambda: 0.6), seed: 1)
    var partial = WithoutPenaltyGradient(inner: full)
    let theta = [Double](repeating: 0.3, count: 12)
    var a = UnrollState(initialTheta: theta, configuration: configuration, oracle: &full)
    var b = UnrollState(initialTheta: theta, configuration: configuration, oracle: &partial)
    let ga = LSTMUnroll<Double>.run(
      tape: Tape<Double>(), configuration: configuration, weights: weights, objective: .lossSum, steps: 3,
      state: &a, oracle: &full)
    let gb = LSTMUnroll<Double>.run(
      tape: Tape<Double>(), configuration: configuration, weights: weights, objective: .lossSum, steps: 3,
      state: &b, oracle: &partial)
    #expect(ga.metaLoss == gb.metaLoss)
    #expect(ga.gradient != gb.gradient)
  }
}
