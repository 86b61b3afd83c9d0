import Autodiff
@testable import Evaluation
import LinearAlgebra
@testable import MetaLearning
import Optimizees
import Optimizers
@testable import Sessions
import TestSupport
import Testing

@Suite struct DNCUnrollTests {
  static func start(
    _ configuration: DNCOptimizerConfiguration, oracle: inout DoubleQuadratics
  ) -> DNCUnrollState<Double> {
    var rng = RandomSource(seed: 5)
    let theta = UnrollGradientCheck.randomTheta(count: oracle.batch * oracle.dimension, scale: 0.1, rng: &rng)
    return DNCUnrollState(initialTheta: theta, configuration: configuration, oracle: &oracle)
  }

  /// The meta-gradient of a whole multi-step unroll of the DNC optimizer
  /// (controller, read and write heads, usage, allocation, links, reads)
  /// against central differences of the meta-loss, features replayed and the
  /// usage's stop-gradient lifted (both make the tape differentiate exactly
  /// the function the differences see).
  @Test(arguments: MetaObjective.allCases, [GradientPreprocessing.none, .logAndSign(k: 5)])
  func wholeUnrollGradientMatchesFiniteDifferences(
    objective: MetaObjective, preprocessing: GradientPreprocessing
  ) throws {
    let configuration = DNCOptimizerConfiguration(
      hiddenSize: 4, memorySlots: 4, wordSize: 3, readHeads: 2, preprocessing: preprocessing, outputScale: 0.1
    )
    var values = DNCOptimizerWeights(configuration: configuration, seed: 3).values.map(Double.init)
    // Larger head weights than the initialisation, so the reads matter.
    let head = DNCOptimizerWeights.tensorLayout(configuration)[7].range
    var rng = RandomSource(seed: 9)
    for i in head { values[i] = Double(rng.gaussian()) * 0.5 }
    var oracle = DoubleQuadratics(batch: 2, dimension: 3, seed: 1)
    let initial = Self.start(configuration, oracle: &oracle)
    let (check, state) = UnrollGradientCheck.dnc(
      configuration: configuration, weights: values, objective: objective, steps: 4, initial: initial, oracle: &oracle)
    #expect(check.worst < 1e-4, "worst relative error \(check.worst)")
    print("DNC unroll \(objective) \(preprocessing): worst relative error \(check.worst)")
    // Every interface layer receives gradient (the memory is in the loop).
    for slot in DNCOptimizerWeights.tensorLayout(configuration) {
      #expect(check.gradient[slot.range].contains { $0 != 0 }, "\(slot.name) has no gradient")
    }
    #expect(state.memory.memory.contains { $0 != 0 })
  }

  /// The secant rules on smooth problems: the whole unroll's meta-gradient
  /// (through the factor, the momentum and the displacement) against central
  /// differences, features and step inputs (−η̂·g) held.
  @Test(arguments: [LearnedUpdateRule.curvature, .secant])
  func secantUnrollGradientMatchesFiniteDifferences(update: LearnedUpdateRule) throws {
    let configuration = DNCOptimizerConfiguration(
      hiddenSize: 4, memorySlots: 4, wordSize: 3, readHeads: 2, preprocessing: .logAndSign(k: 5), outputScale: 0.1,
      update: update)
    var rng = RandomSource(seed: 13)
    let values = DNCOptimizerWeights(configuration: configuration, seed: 3).values.map {
      Double($0) + 0.2 * Double(rng.gaussian())
    }
    var oracle = DoubleQuadratics(batch: 2, dimension: 3, seed: 1)
    let initial = Self.start(configuration, oracle: &oracle)
    let (check, _) = UnrollGradientCheck.dnc(
      configuration: configuration, weights: values, objective: .logLoss, steps: 4, initial: initial, oracle: &oracle)
    #expect(check.worst < 1e-4, "worst relative error \(check.worst)")
    for slot in DNCOptimizerWeights.tensorLayout(configuration) {
      #expect(check.gradient[slot.range].contains { $0 != 0 }, "\(slot.name) has no gradient")
    }
  }

  /// The secant memory (``DNCMemoryContent/secant``): the whole unroll's
  /// meta-gradient against central differences with the written words held
  /// (they are constants on the tape, as the gradient is), under the
  /// additive and the curvature rule; every tensor of φ, the write
  /// interface included (its key, erase and gates), receives gradient.
  @Test(arguments: [LearnedUpdateRule.additive, .curvature])
  func secantMemoryUnrollGradientMatchesFiniteDifferences(update: LearnedUpdateRule) throws {
    let configuration = DNCOptimizerConfiguration(
      hiddenSize: 4, memorySlots: 3, wordSize: 8, readHeads: 2, preprocessing: .logAndSign(k: 5), outputScale: 0.1,
      update: update, memoryContent: .secant)
    #expect(configuration.writeInterfaceSize == 2 * 8 + 2 + 3)
    var rng = RandomSource(seed: 17)
    let values = DNCOptimizerWeights(configuration: configuration, seed: 3).values.map {
      Double($0) + 0.3 * Double(rng.gaussian())
    }
    var oracle = DoubleQuadratics(batch: 2, dimension: 3, seed: 1)
    let initial = Self.start(configuration, oracle: &oracle)
    let (check, state) = UnrollGradientCheck.dnc(
      configuration: configuration, weights: values, objective: .lossSum, steps: 5, initial: initial, oracle: &oracle)
    #expect(check.worst < 1e-4, "worst relative error \(check.worst)")
    print("DNC secant memory \(update): worst relative error \(check.worst)")
    for slot in DNCOptimizerWeights.tensorLayout(configuration) {
      #expect(check.gradient[slot.range].contains { $0 != 0 }, "\(slot.name) has no gradient")
    }
    // The memory holds secant words: the "written" component of a slot is
    // its total write weight, in (0, 5] after five steps.
    let marks = stride(from: 7, to: state.memory.memory.count, by: 8).map { state.memory.memory[$0] }
    #expect(marks.contains { $0 > 0 } && marks.allSatisfy { $0 >= 0 && $0 <= 5 })
  }

  /// Untrained (head at zero) the curvature rule is gradient descent at the
  /// step 1/L̂: on a quadratic the race takes exactly that rule's steps.
  @Test func untrainedCurvatureRuleIsGradientDescentAtOneOverL() throws {
    let configuration = DNCOptimizerConfiguration(
      hiddenSize: 4, memorySlots: 4, wordSize: 3, readHeads: 2, preprocessing: .logAndSign(k: 5), outputScale: 0.05,
      update: .curvature)
    let weights = DNCOptimizerWeights(configuration: configuration, seed: 8)
    var problem = try ProblemCatalog.make("quadratic").sample(seed: 4)
    var racer = DNCOptimizer(weights: weights, problem: problem)
    var reference = SecantStepState(
      groups: 1, groupSize: problem.dimension, baseStep: 0.05, estimate: .largestCurvature)
    var theta = problem.initialParameters
    var expected = theta
    var gradient = [Float](repeating: 0, count: problem.dimension)
    var scaled = gradient, moved = gradient
    for _ in 0..<5 {
      _ = problem.objective(at: theta, gradient: &gradient)
      reference.advance(theta: theta, gradient: gradient, scaledGradient: &scaled, displacement: &moved)
      racer.step(parameters: &theta, gradient: gradient)
      for i in expected.indices { expected[i] += scaled[i] }
      for i in theta.indices { #expect(abs(theta[i] - expected[i]) <= 1e-6 * max(1, abs(expected[i]))) }
      expected = theta
    }
  }

  /// A DNC configuration's manifest record keeps its update rule; a record
  /// without one (every DNC session saved before the rules) is additive.
  @Test(arguments: LearnedUpdateRule.allCases, DNCMemoryContent.allCases)
  func recordRoundTripsTheUpdateRuleAndMemory(update: LearnedUpdateRule, memory: DNCMemoryContent) throws {
    let configuration = DNCOptimizerConfiguration(
      memorySlots: 8, preprocessing: .logAndSign(k: 5), update: update, memoryContent: memory)
    let record = configuration.record
    #expect((record["update"] == nil) == (update == .additive))
    #expect((record["memory"] == nil) == (memory == .learned))
    #expect(DNCOptimizerConfiguration(record: record) == configuration)
    var bad = record
    bad["update"] = "quasi-newton"
    #expect(DNCOptimizerConfiguration(record: bad) == nil)
    bad = record
    bad["memory"] = "lbfgs"
    #expect(DNCOptimizerConfiguration(record: bad) == nil)
    // Secant words have eight components: another word size is refused.
    bad = record
    bad["memory"] = DNCMemoryContent.secant.rawValue
    bad["word"] = "5"
    #expect(DNCOptimizerConfiguration(record: bad) == nil)
  }

  /// The race's tape-free step and the tape's unroll compute the same iterates
  /// and the same memory, under every update rule.
  @Test(arguments: LearnedUpdateRule.allCases, DNCMemoryContent.allCases)
  func raceStepMatchesTapeUnroll(update: LearnedUpdateRule, memory: DNCMemoryContent) throws {
    let configuration = DNCOptimizerConfiguration(
      hiddenSize: 6, memorySlots: 5, wordSize: memory.requiredWordSize ?? 4, readHeads: 2,
      preprocessing: .logAndSign(k: 5), outputScale: 0.05, update: update, memoryContent: memory)
    var weights = DNCOptimizerWeights(configuration: configuration, seed: 8)
    var rng = RandomSource(seed: 3)
    for i in try #require(weights.slot("head.weight")).range { weights.values[i] += 0.3 * rng.gaussian() }
    let problem = try ProblemCatalog.make("quadratic").sample(seed: 4)
    var oracle = ProblemBatch(problems: [problem])
    var state = DNCUnrollState(
      initialTheta: problem.initialParameters, configuration: configuration, oracle: &oracle)
    _ = DNCUnroll<Float>.run(
      tape: Tape<Float>(), configuration: configuration, weights: weights.values, objective: .lossSum,
      steps: 6,
      state: &state, oracle: &oracle)

    var racer = DNCOptimizer(weights: weights, dimension: problem.dimension)
    var copy = problem
    var theta = problem.initialParameters
    var gradient = [Float](repeating: 0, count: problem.dimension)
    for _ in 0..<6 {
      _ = copy.objective(at: theta, gradient: &gradient)
      racer.step(parameters: &theta, gradient: gradient)
    }
    for i in theta.indices {
      #expect(abs(theta[i] - state.base.theta[i]) < 1e-4 * max(1, abs(theta[i])))
    }
    let raced = racer.state
    for (a, b) in zip(raced.memory, state.memory.memory) { #expect(abs(a - b) < 1e-4) }
    for (a, b) in zip(raced.link, state.memory.link) { #expect(abs(a - b) < 1e-4) }
    for (a, b) in zip(raced.readWeights, state.memory.readWeights) { #expect(abs(a - b) < 1e-4) }
    #expect(racer.memoryView.usage.contains { $0 > 0 })
    #expect((raced.secantWords == nil) == (memory == .learned))
  }
}

@Suite struct DNCTrainerTests {
  /// A DNC trainer steps, saves its session with `architecture=dnc`, resumes
  /// with the same weights and moments, and races as "dnc".
  @Test func dncSessionRoundTripsAndRaces() throws {
    let problemClass = try ProblemCatalog.make("quadratic")
    let optimizer = DNCOptimizerConfiguration(hiddenSize: 5, memorySlots: 4, wordSize: 3, readHeads: 2)
    let training = MetaTrainingConfiguration(horizon: 10, unroll: 5, batch: 3, seed: 2)
    let trainer = MetaTrainer(
      problemClass: problemClass, configuration: training,
      weights: .dnc(DNCOptimizerWeights(configuration: optimizer, seed: 2)))
    let initial = trainer.weights
    for _ in 0..<4 { #expect(!trainer.step().skipped) }
    #expect(trainer.weights != initial)
    trainer.validate(instances: 2)
    let store = SessionStore(directory: try Scratch.directory("tests"))
    let manifest = SessionManifest(
      name: "dnc",
      problem: ProblemRecord(
        name: "quadratic", options: [:], configurationKey: problemClass.configurationKey),
      optimizer: trainer.weights.record, objective: training.objective.rawValue, training: training.record,
      seed: 2,
      metaIteration: trainer.iteration)
    #expect(manifest.optimizer["architecture"] == "dnc")
    try store.save(Session(manifest: manifest, weights: trainer.sessionTensors))
    let loaded = try store.load("dnc")
    let resumed = try MetaTrainer.resume(loaded, problemClass: problemClass)
    #expect(resumed.weights == trainer.weights)
    #expect(resumed.metaOptimizer == trainer.metaOptimizer)
    #expect(resumed.best?.weights == trainer.best?.weights)
    #expect(try MetaTrainer.weights(of: loaded) == trainer.best?.weights)
    var run = RaceRun(
      problemClass: problemClass, racers: [resumed.racer()],
      configuration: RaceConfiguration(steps: 10, instances: 2, seed: 1))
    let trace = run.run().traces[0]
    #expect(trace.name == "dnc")
    #expect(trace.finalMeanLoss.isFinite)
  }
}

@Suite struct DNCMemoryAblationTests {
  /// Silencing the reads is the same optimizer as one whose weights on the
  /// read words (their rows of the controller's input weights and of the
  /// head) are zero: the ablation removes exactly the memory's influence.
  @Test(arguments: [LearnedUpdateRule.additive, .curvature])
  func silencedReadsEqualZeroReadWeights(update: LearnedUpdateRule) throws {
    let configuration = DNCOptimizerConfiguration(
      hiddenSize: 6, memorySlots: 5, wordSize: 4, readHeads: 2, preprocessing: .logAndSign(k: 5), outputScale: 0.05,
      update: update)
    var weights = DNCOptimizerWeights(configuration: configuration, seed: 8)
    var rng = RandomSource(seed: 3)
    for i in weights.values.indices { weights.values[i] += 0.2 * rng.gaussian() }
    var cut = weights
    let h = configuration.hiddenSize
    let words = configuration.readHeads * configuration.wordSize
    let input = try #require(cut.slot("controller.input")).range.lowerBound
    for row in configuration.featureCount..<(configuration.featureCount + words) {
      for column in 0..<(4 * h) { cut.values[input + row * 4 * h + column] = 0 }
    }
    let head = try #require(cut.slot("head.weight")).range.lowerBound
    let outputs = update.outputCount
    for k in (h * outputs)..<((h + words) * outputs) { cut.values[head + k] = 0 }

    let problem = try ProblemCatalog.make("quadratic").sample(seed: 4)
    var silenced = DNCOptimizer(weights: weights, problem: problem, silencingReads: true)
    var intact = DNCOptimizer(weights: weights, problem: problem)
    var zeroed = DNCOptimizer(weights: cut, problem: problem)
    var copy = problem
    var a = problem.initialParameters, b = a, c = a
    var gradient = [Float](repeating: 0, count: problem.dimension)
    for _ in 0..<8 {
      _ = copy.objective(at: a, gradient: &gradient)
      silenced.step(parameters: &a, gradient: gradient)
      _ = copy.objective(at: b, gradient: &gradient)
      zeroed.step(parameters: &b, gradient: gradient)
      _ = copy.objective(at: c, gradient: &gradient)
      intact.step(parameters: &c, gradient: gradient)
    }
    for i in a.indices { #expect(abs(a[i] - b[i]) <= 1e-5 * max(1, abs(b[i])), "coordinate \(i)") }
    // The intact optimizer reads its memory: its iterates differ.
    #expect(zip(a, c).contains { abs($0 - $1) > 1e-4 })
    // The silenced one still writes (the panel shows what it would read).
    #expect(silenced.memoryView.memory.contains { $0 != 0 })
  }

  /// The session's ablation racer is the DNC with silenced reads; an LSTM
  /// session has none.
  @Test func ablationRacerNeedsADNCSession() throws {
    let directory = try Scratch.directory("ablation")
    let store = SessionStore(directory: directory)
    let problemClass = try ProblemCatalog.make("quadratic")
    for architecture in [LearnedArchitecture.dnc, .lstm] {
      let weights: LearnedOptimizerWeights =
        architecture == .dnc
        ? .dnc(DNCOptimizerWeights(configuration: DNCOptimizerConfiguration(hiddenSize: 4, memorySlots: 3), seed: 1))
        : .lstm(LSTMOptimizerWeights(configuration: LSTMOptimizerConfiguration(hiddenSize: 4), seed: 1))
      let trainer = MetaTrainer(
        problemClass: problemClass, configuration: MetaTrainingConfiguration(horizon: 4, unroll: 2, batch: 2),
        weights: weights)
      let manifest = SessionManifest(
        name: architecture.rawValue,
        problem: ProblemRecord(name: "quadratic", options: [:], configurationKey: problemClass.configurationKey),
        optimizer: trainer.weights.record, objective: "loss-sum", training: trainer.configuration.record, seed: 1,
        metaIteration: 0)
      try store.save(Session(manifest: manifest, weights: trainer.sessionTensors))
    }
    let racer = try #require(try store.load("dnc").memoryAblationRacer())
    #expect(racer.name == "dnc-no-reads")
    let optimizer = try #require(racer.makeOptimizer(problemClass.sample(seed: 1)) as? DNCOptimizer)
    #expect(optimizer.silencesReads)
    #expect(try store.load("lstm").memoryAblationRacer() == nil)
  }
}
