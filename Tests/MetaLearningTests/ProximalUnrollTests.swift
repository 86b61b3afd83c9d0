import Autodiff
import LinearAlgebra
import Optimizees
import Optimizers
import Testing

@testable import MetaLearning

/// B composite problems f_b(θ) = ½‖A_b θ − y_b‖² + Ω(θ) in Double, Ω one of
/// the three sparsity penalties, with the prox and ∂Ω written out here
/// independently of the library, for gradient checks of whole unrolls.
struct DoubleComposite: BatchLossOracle {
  typealias Scalar = Double
  let batch: Int
  let dimension: Int
  let rows: Int
  let regularizer: Regularizer
  let matrices: [[Double]]
  let targets: [[Double]]
  /// ‖A_b‖_F², an upper bound of the Lipschitz constant ‖A_b‖₂² of ∇s_b.
  let lipschitz: [Double]

  init(batch: Int, dimension: Int, rows: Int, regularizer: Regularizer, seed: UInt64) {
    self.batch = batch
    self.dimension = dimension
    self.rows = rows
    self.regularizer = regularizer
    var rng = RandomSource(seed: seed)
    let matrices = (0..<batch).map { _ in (0..<(rows * dimension)).map { _ in Double(rng.gaussian()) * 0.5 } }
    self.matrices = matrices
    targets = (0..<batch).map { _ in (0..<rows).map { _ in Double(rng.gaussian()) } }
    lipschitz = matrices.map { $0.reduce(0) { $0 + $1 * $1 } }
  }

  func optimum(_ b: Int) -> Double { 0 }

  var lambda: Double {
    switch regularizer {
    case .none: 0
    case .l1(let l), .l0(let l), .groupL2(let l, _): Double(l)
    }
  }

  func penalty(_ theta: UnsafeBufferPointer<Double>) -> Double {
    switch regularizer {
    case .none: return 0
    case .l1: return lambda * theta.reduce(0) { $0 + abs($1) }
    case .l0: return lambda * Double(theta.count { $0 != 0 })
    case .groupL2(_, let size):
      return stride(from: 0, to: theta.count, by: size).reduce(0.0) { sum, start in
        sum + lambda * theta[start..<min(start + size, theta.count)].reduce(0) { $0 + $1 * $1 }.squareRoot()
      }
    }
  }

  mutating func evaluate(
    _ b: Int, theta: UnsafeBufferPointer<Double>, gradient: UnsafeMutableBufferPointer<Double>
  ) -> Double {
    let (m, n) = (rows, dimension)
    var residual = [Double](repeating: 0, count: m)
    for i in 0..<m {
      var sum = -targets[b][i]
      for j in 0..<n { sum += matrices[b][i * n + j] * theta[j] }
      residual[i] = sum
    }
    for j in 0..<n {
      var sum = 0.0
      for i in 0..<m { sum += matrices[b][i * n + j] * residual[i] }
      gradient[j] = sum
    }
    return 0.5 * residual.reduce(0) { $0 + $1 * $1 } + penalty(theta)
  }

  func proximal(_ b: Int, defaultStep: Double) -> ProximalMap? {
    let tau = 1 / lipschitz[b]
    switch regularizer {
    case .none: return nil
    case .l1: return ProximalMap(kind: .softThreshold, threshold: tau * lambda)
    case .l0: return ProximalMap(kind: .hardThreshold, threshold: (2 * tau * lambda).squareRoot())
    case .groupL2(_, let size): return ProximalMap(kind: .blockSoftThreshold(blockSize: size), threshold: tau * lambda)
    }
  }

  func addPenaltyGradient(
    _ b: Int, theta: UnsafeBufferPointer<Double>, into gradient: UnsafeMutableBufferPointer<Double>
  ) {
    switch regularizer {
    case .none, .l0: return
    case .l1:
      for i in 0..<theta.count where theta[i] != 0 { gradient[i] += theta[i] > 0 ? lambda : -lambda }
    case .groupL2(_, let size):
      for start in stride(from: 0, to: theta.count, by: size) {
        let group = start..<min(start + size, theta.count)
        let norm = group.reduce(0.0) { $0 + theta[$1] * theta[$1] }.squareRoot()
        if norm > 0 { for i in group { gradient[i] += lambda * theta[i] / norm } }
      }
    }
  }
}

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
    let theta = (0..<12).map { _ in Double(rng.gaussian()) * 0.5 }
    let initial = UnrollState(initialTheta: theta, configuration: configuration, oracle: &oracle)
    let tape = Tape<Double>()
    var state = initial
    let base = LSTMUnroll<Double>.run(
      tape: tape, configuration: configuration, weights: weights, objective: objective, steps: 4,
      state: &state, oracle: &oracle, recordFeatures: true)
    #expect(state.theta.contains(0) && state.theta.contains { $0 != 0 }, "θ = \(state.theta)")
    func metaLoss(_ w: [Double]) -> Double {
      var s = initial
      return LSTMUnroll<Double>.run(
        tape: tape, configuration: configuration, weights: w, objective: objective, steps: 4,
        state: &s, oracle: &oracle, replayFeatures: base.features
      ).metaLoss
    }
    var worst = 0.0
    for i in weights.indices {
      var plus = weights, minus = weights
      let h = 1e-6
      plus[i] += h
      minus[i] -= h
      let numeric = (metaLoss(plus) - metaLoss(minus)) / (2 * h)
      let error = abs(numeric - base.gradient[i]) / max(1e-4, abs(numeric) + abs(base.gradient[i]))
      worst = max(worst, error)
    }
    #expect(worst < 1e-4, "worst relative error \(worst)")
    #expect(base.gradient.contains { $0 != 0 })
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
    let theta = (0..<12).map { _ in Double(rng.gaussian()) * 0.5 }
    let initial = DNCUnrollState(initialTheta: theta, configuration: configuration, oracle: &oracle)
    let tape = Tape<Double>()
    var state = initial
    let base = DNCUnroll<Double>.run(
      tape: tape, configuration: configuration, weights: weights, objective: .lossSum, steps: 3,
      state: &state, oracle: &oracle, recordFeatures: true, stopUsageGradient: false)
    #expect(state.base.theta.contains(0) && state.base.theta.contains { $0 != 0 }, "θ = \(state.base.theta)")
    var worst = 0.0
    for i in weights.indices {
      var plus = weights, minus = weights
      let h = 1e-6
      plus[i] += h
      minus[i] -= h
      func metaLoss(_ w: [Double]) -> Double {
        var s = initial
        return DNCUnroll<Double>.run(
          tape: tape, configuration: configuration, weights: w, objective: .lossSum, steps: 3,
          state: &s, oracle: &oracle, replayFeatures: base.features, stopUsageGradient: false
        ).metaLoss
      }
      let numeric = (metaLoss(plus) - metaLoss(minus)) / (2 * h)
      let error = abs(numeric - base.gradient[i]) / max(1e-4, abs(numeric) + abs(base.gradient[i]))
      worst = max(worst, error)
    }
    #expect(worst < 1e-4, "worst relative error \(worst)")
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
  @Test(arguments: [("lasso", "0.1"), ("sparse-l0", "0.001"), ("group-lasso", "0.2")])
  func raceStepMatchesTapeUnroll(problemName: String, lambda: String) throws {
    let configuration = LSTMOptimizerConfiguration(
      layers: 2, hiddenSize: 5, preprocessing: .logAndSign(k: 5), outputScale: 0.1)
    var weights = LSTMOptimizerWeights(configuration: configuration, seed: 8)
    // Larger head weights than the initialisation, so steps leave θ₀ = 0
    // and reach both sides of the thresholds.
    var rng = RandomSource(seed: 9)
    for i in weights.slots[3 * configuration.layers].range { weights.values[i] = rng.gaussian() * 0.5 }
    let problem = try ProblemCatalog.make(problemName, options: ["lambda": lambda]).sample(seed: 4)
    let lipschitz = try #require(problem.smoothLipschitz)
    var oracle = ProblemBatch(problems: [problem])
    var state = UnrollState(initialTheta: problem.initialParameters, configuration: configuration, oracle: &oracle)
    _ = LSTMUnroll<Float>.run(
      tape: Tape<Float>(), configuration: configuration, weights: weights.values, objective: .logLoss, steps: 8,
      state: &state, oracle: &oracle)

    var racer = MetaTrainer.racer(weights: weights).makeOptimizer(problem)
    #expect(racer.proximalStep == 1 / lipschitz)
    var copy = problem
    var theta = problem.initialParameters
    var gradient = [Float](repeating: 0, count: problem.dimension)
    for _ in 0..<8 {
      _ = copy.objective(at: theta, gradient: &gradient)
      racer.step(parameters: &theta, gradient: gradient)
      problem.regularizer.applyProximal(&theta, step: racer.proximalStep)
    }
    for i in theta.indices {
      #expect(abs(theta[i] - state.theta[i]) < 1e-4 * max(1, abs(theta[i])), "coordinate \(i)")
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
