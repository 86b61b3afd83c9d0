import Autodiff
@testable import Evaluation
import LinearAlgebra
@testable import MetaLearning
import Optimizees
import Optimizers
@testable import Sessions
import TestSupport
import Testing

@Suite struct LSTMUnrollTests {
  static func start(_ configuration: LSTMOptimizerConfiguration, oracle: inout DoubleQuadratics) -> UnrollState<Double> {
    var rng = RandomSource(seed: 5)
    let theta = UnrollGradientCheck.randomTheta(count: oracle.batch * oracle.dimension, scale: 0.1, rng: &rng)
    return UnrollState(initialTheta: theta, configuration: configuration, oracle: &oracle)
  }

  /// The meta-gradient of a whole 4-step unroll of a 2-layer LSTM optimizer
  /// against central differences of the meta-loss, with the features held at
  /// their recorded values (that is what dropping second derivatives means).
  @Test(arguments: MetaObjective.allCases, [GradientPreprocessing.none, .logAndSign(k: 5)])
  func wholeUnrollGradientMatchesFiniteDifferences(objective: MetaObjective, preprocessing: GradientPreprocessing) throws {
    let configuration = LSTMOptimizerConfiguration(layers: 2, hiddenSize: 4, preprocessing: preprocessing, outputScale: 0.1)
    let weights = LSTMOptimizerWeights(configuration: configuration, seed: 3).values.map(Double.init)
    var oracle = DoubleQuadratics(batch: 2, dimension: 3, seed: 1)
    let initial = Self.start(configuration, oracle: &oracle)
    let check = UnrollGradientCheck.lstm(
      configuration: configuration, weights: weights, objective: objective, steps: 4, initial: initial, oracle: &oracle)
    #expect(check.worst < 1e-4, "worst relative error \(check.worst)")
    #expect(check.gradient.contains { $0 != 0 })
  }

  /// The secant rule's meta-gradient, over a 4-step unroll from θ₀ and over
  /// a second unroll that starts mid-episode (its first displacement and
  /// step sizes carried from the first), with the features and −η̂·g held.
  @Test(arguments: MetaObjective.allCases, [LearnedUpdateRule.secant, .curvature])
  func secantUnrollGradientMatchesFiniteDifferences(objective: MetaObjective, update: LearnedUpdateRule) throws {
    let configuration = LSTMOptimizerConfiguration(
      layers: 1, hiddenSize: 4, preprocessing: .momenta(time: true), outputScale: 0.1, update: update)
    // The secant rules' head starts at zero; random weights exercise every
    // path of the gradient (a zero head passes none to the LSTM).
    var rng = RandomSource(seed: 11)
    let weights = LSTMOptimizerWeights(configuration: configuration, seed: 3).values.map { Double($0) + 0.1 * Double(rng.gaussian()) }
    var oracle = DoubleQuadratics(batch: 2, dimension: 3, seed: 1)
    let initial = Self.start(configuration, oracle: &oracle)
    let first = UnrollGradientCheck.lstm(
      configuration: configuration, weights: weights, objective: objective, steps: 4, initial: initial, oracle: &oracle)
    #expect(first.worst < 1e-4, "first unroll: worst relative error \(first.worst)")
    var middle = initial
    _ = LSTMUnroll<Double>.run(
      tape: Tape<Double>(), configuration: configuration, weights: weights, objective: objective, steps: 3,
      state: &middle, oracle: &oracle)
    let second = UnrollGradientCheck.lstm(
      configuration: configuration, weights: weights, objective: objective, steps: 3, initial: middle, oracle: &oracle)
    #expect(second.worst < 1e-4, "mid-episode unroll: worst relative error \(second.worst)")
    #expect(second.gradient.contains { $0 != 0 })
  }

  /// The race's tape-free step and the tape's unroll compute the same
  /// iterates, under both update rules.
  @Test(arguments: LearnedUpdateRule.allCases)
  func raceStepMatchesTapeUnroll(update: LearnedUpdateRule) throws {
    let configuration = LSTMOptimizerConfiguration(
      layers: 2, hiddenSize: 5, preprocessing: .logAndSign(k: 5), outputScale: 0.05, update: update)
    let weights = LSTMOptimizerWeights(configuration: configuration, seed: 8)
    let problem = try ProblemCatalog.make("quadratic").sample(seed: 4)
    var oracle = ProblemBatch(problems: [problem])
    var state = UnrollState(initialTheta: problem.initialParameters, configuration: configuration, oracle: &oracle)
    _ = LSTMUnroll<Float>.run(
      tape: Tape<Float>(), configuration: configuration, weights: weights.values, objective: .lossSum, steps: 6,
      state: &state, oracle: &oracle)

    var racer = LSTMOptimizer(weights: weights, dimension: problem.dimension)
    var copy = problem
    var theta = problem.initialParameters
    var gradient = [Float](repeating: 0, count: problem.dimension)
    for _ in 0..<6 {
      _ = copy.objective(at: theta, gradient: &gradient)
      racer.step(parameters: &theta, gradient: gradient)
    }
    for i in theta.indices {
      #expect(abs(theta[i] - state.theta[i]) < 1e-4 * max(1, abs(theta[i])))
    }
  }

  @Test func trainingIsDeterministicForASeed() throws {
    func train() throws -> [Float] {
      let trainer = MetaTrainer(
        problemClass: try ProblemCatalog.make("quadratic"),
        configuration: MetaTrainingConfiguration(horizon: 20, unroll: 5, batch: 4, seed: 2),
        weights: LSTMOptimizerWeights(configuration: LSTMOptimizerConfiguration(hiddenSize: 6), seed: 2))
      for _ in 0..<6 { trainer.step() }
      return trainer.weights.values
    }
    #expect(try train() == train())
  }

  @Test func resumedTrainerContinuesWhereTheSessionStopped() throws {
    let problemClass = try ProblemCatalog.make("quadratic")
    let optimizer = LSTMOptimizerConfiguration(hiddenSize: 6)
    let training = MetaTrainingConfiguration(horizon: 20, unroll: 5, batch: 4, seed: 2)
    let trainer = MetaTrainer(
      problemClass: problemClass, configuration: training, weights: LSTMOptimizerWeights(configuration: optimizer, seed: 2))
    for _ in 0..<8 { trainer.step() }
    let store = SessionStore(directory: try Scratch.directory("tests"))
    let manifest = SessionManifest(
      name: "resume", problem: ProblemRecord(name: "quadratic", options: [:], configurationKey: problemClass.configurationKey),
      optimizer: optimizer.record, objective: training.objective.rawValue, training: training.record, seed: 2,
      metaIteration: trainer.iteration)
    try store.save(Session(manifest: manifest, weights: trainer.sessionTensors))
    let resumed = try MetaTrainer.resume(try store.load("resume"), problemClass: problemClass)
    #expect(resumed.iteration == 8)
    #expect(resumed.weights == trainer.weights)
    #expect(resumed.metaOptimizer == trainer.metaOptimizer)
    #expect(resumed.configuration == training)
  }
}

@Suite struct MetaTrainingOutcomeTests {
  /// A short seeded meta-training run learns to beat tuned SGD on held-out
  /// quadratics: the end-to-end check that the meta-gradient points the
  /// right way. (Release builds: about 200 meta-iterations of 32 problems.)
  @Test func shortTrainingBeatsTunedSGDOnHeldOutQuadratics() throws {
    let quadratics = try ProblemCatalog.make("quadratic")
    let trainer = MetaTrainer(
      problemClass: quadratics,
      configuration: MetaTrainingConfiguration(horizon: 100, unroll: 20, batch: 32, seed: 7),
      weights: LSTMOptimizerWeights(configuration: .defaults(forProblem: "quadratic"), seed: 7))
    for _ in 0..<200 { trainer.step() }
    let sgd = LearningRateTuner(instances: 10, seed: 7)
      .tune(problemClass: quadratics, kinds: [.sgd], steps: 100)[0].learningRate
    var run = RaceRun(
      problemClass: quadratics,
      racers: [Racer(OptimizerConfiguration(kind: .sgd, learningRate: sgd)), trainer.racer()],
      configuration: RaceConfiguration(steps: 100, instances: 50, seed: 11))
    let result = run.run()
    let (tunedSGD, learned) = (result.traces[0].finalMeanLoss, result.traces[1].finalMeanLoss)
    #expect(learned < tunedSGD, "LSTM \(learned) vs tuned SGD \(tunedSGD)")
  }
}
