import ArgumentParser
import Dispatch
import Distributed
import Evaluation
import Foundation
import MetaLearning
import Optimizees
import Optimizers
import Sessions

/// `mnemo train`: meta-train the LSTM optimizer on a problem class and keep
/// it in a session.
struct TrainCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "train",
    abstract: "Meta-train a learned optimizer and save it as a session.",
    discussion: """
      Truncated BPTT (unrolls of K steps over episodes of T steps on batches of problems), Adam on \
      the optimizer's weights. Progress goes to standard error; the session is saved every few \
      minutes, at the end, and on Ctrl-C. --resume continues a saved session. Under `mpirun -np N` \
      (or with --distributed) the meta-batch is shared among the ranks and their meta-gradients summed \
      with MPI_Allreduce; rank 0 writes the session (see docs/distributed.md).
      """)

  @OptionGroup var problemOptions: ProblemOptions

  @Option(help: "The session: a name in the sessions folder, or a path to a session folder (anything with a /). Shipped sessions are read-only: training from one continues in sessions/local/NAME.")
  var session: String

  @Flag(help: "Continue the saved session (its problem, architecture and settings).")
  var resume = false

  @Option(help: "Meta-iterations to run.")
  var iterations: Int = 1000

  @Option(help: "Meta-objective: loss-sum, log-loss or rate.")
  var objective: MetaObjective = .lossSum

  @Option(help: "Problems per meta-batch (default per problem class).")
  var batch: Int?

  @Option(help: "Episode horizon T.")
  var horizon: Int = 100

  @Option(help: "Steps per truncated unroll K.")
  var unroll: Int = 20

  @Option(help: "Adam's learning rate on the optimizer's weights (default per problem class: 3e-3 on the sparse classes, else 1e-3).")
  var metaLearningRate: Float?

  @Option(help: "Random problem scaling e^U(-a,a) (0: off).")
  var randomScaling: Float = 0

  @Option(help: "Imitation of a tuned Adam: the weight w of its term in the meta-objective (0: off; docs/recipe.md).")
  var imitationWeight: Float = 0

  @Option(help: "With --imitation-weight: the probability that an episode imitates.")
  var imitationProbability: Float = 0.5

  @Option(help: "With --imitation-weight: Adam's learning rate to imitate (default: the session's tuned Adam rate).")
  var imitationRate: Float?

  @Option(help: ArgumentHelp("A curriculum over horizons, e.g. 100,200,500 (starts at the first; overrides --horizon).", valueName: "horizons"))
  var curriculum: String?

  @Option(help: "With --curriculum: validations without a new best before the next horizon.")
  var curriculumPatience: Int = 3

  @Option(help: ArgumentHelp("Learned optimizer: \(LearnedArchitecture.allCases.map { "\($0) (\($0.summary))" }.joined(separator: ", ")).", valueName: "architecture"))
  var architecture: LearnedArchitecture = .lstm

  @OptionGroup(title: "LISTA") var lista: LISTAOptions

  @Option(help: "LSTM layers.") var layers: Int?
  @Option(help: "LSTM hidden units per layer.") var hidden: Int?
  @Option(help: "Gradient preprocessing: none, log-sign[:k], rnnprop[:b1:b2], momenta or momenta:time (docs/recipe.md).") var preprocessing: String?
  @Option(help: "Output scale of the learned update (under --update secant: the first step's RMS length).") var outputScale: Float?
  @Option(help: ArgumentHelp("How the learned optimizer's outputs become a step (LSTM and DNC): \(LearnedUpdateRule.allCases.map { "\($0) (\($0.summary))" }.joined(separator: ", ")) (docs/objectives.md).", valueName: "rule"))
  var update: LearnedUpdateRule?
  @Option(help: "DNC memory slots N.") var memorySlots: Int?
  @Option(help: "DNC word size W.") var wordSize: Int?
  @Option(help: "DNC read heads R.") var readHeads: Int?
  @Option(help: ArgumentHelp("What the DNC writes: \(DNCMemoryContent.allCases.map { "\($0) (\($0.summary))" }.joined(separator: ", ")) (docs/dnc-optimizer.md).", valueName: "content"))
  var memory: DNCMemoryContent?

  @Option(help: "The run seed.")
  var seed: UInt64 = 0

  @Option(help: "Validate (and log) every this many meta-iterations.")
  var validateEvery: Int = 100

  @Option(help: "Autosave period in seconds.")
  var autosaveSeconds: Double = 120

  @Option(help: ArgumentHelp("The sessions folder (default: $MNEMO_SESSIONS, else ./sessions).", valueName: "dir"))
  var sessions: String?

  @Flag(help: "No progress on standard error.")
  var quiet = false

  @Flag(help: "Data-parallel over MPI ranks (automatic under mpirun or srun; needs Open MPI).")
  var distributed = false

  @Option(help: "With --distributed: compare the ranks' weights every this many meta-iterations.")
  var checkEvery: Int = 10

  func validate() throws {
    do { _ = try SessionLocation.resolve(session, sessionsDirectory: sessionsDirectory) } catch {
      throw ValidationError(error.description)
    }
    try Limits.require("--iterations", iterations, in: 0...Limits.metaIteration.upperBound)
    try Limits.require("--horizon", horizon, in: Limits.horizon)
    try Limits.require("--unroll", unroll, in: Limits.unroll)
    try Limits.require("--batch", batch, in: Limits.batch)
    try Limits.require("--layers", layers, in: Limits.layers)
    try Limits.require("--hidden", hidden, in: Limits.hidden)
    for (name, value, range) in [
      ("--memory-slots", memorySlots, Limits.memorySlots), ("--word-size", wordSize, Limits.wordSize),
      ("--read-heads", readHeads, Limits.readHeads),
    ] {
      try Limits.require(name, value, in: range)
      if value != nil, architecture != .dnc { throw ValidationError("\(name) applies to --architecture dnc only.") }
    }
    if let metaLearningRate, !(metaLearningRate > 0 && metaLearningRate.isFinite) {
      throw ValidationError("--meta-learning-rate must be a positive number, got \(metaLearningRate).")
    }
    guard validateEvery >= 1, checkEvery >= 1 else {
      throw ValidationError("--validate-every and --check-every must be at least 1.")
    }
    guard autosaveSeconds.isFinite, autosaveSeconds > 0 else {
      throw ValidationError("--autosave-seconds must be a positive number of seconds, got \(autosaveSeconds).")
    }
    if let outputScale, !outputScale.isFinite || outputScale == 0 {
      throw ValidationError("--output-scale must be a finite, nonzero number (a zero scale never moves θ).")
    }
    guard randomScaling.isFinite, (0...10).contains(randomScaling) else {
      throw ValidationError("--random-scaling must be a number in 0…10, got \(randomScaling).")
    }
    guard imitationWeight.isFinite, imitationWeight >= 0 else {
      throw ValidationError("--imitation-weight must be a number ≥ 0, got \(imitationWeight).")
    }
    guard imitationProbability.isFinite, (0...1).contains(imitationProbability) else {
      throw ValidationError("--imitation-probability must be in 0…1, got \(imitationProbability).")
    }
    if let imitationRate, !(imitationRate > 0 && imitationRate.isFinite) {
      throw ValidationError("--imitation-rate must be a positive number, got \(imitationRate).")
    }
    if let curriculum {
      guard let parsed = Curriculum(parsing: curriculum, patience: curriculumPatience),
        parsed.horizons.allSatisfy({ Limits.horizon.contains($0) })
      else {
        throw ValidationError(
          "--curriculum expects increasing horizons in \(Limits.horizon.lowerBound)…\(Limits.horizon.upperBound) separated by commas (e.g. 100,200,500) and --curriculum-patience ≥ 1, got '\(curriculum)'.")
      }
    }
    if let memory {
      if architecture != .dnc { throw ValidationError("--memory applies to --architecture dnc only.") }
      if resume { throw ValidationError("--memory is set when a session starts; --resume keeps the session's.") }
      if let required = memory.requiredWordSize, let wordSize, wordSize != required {
        throw ValidationError("--memory \(memory) writes words of \(required) components; drop --word-size or set it to \(required).")
      }
    }
    if update != nil, architecture == .lista {
      throw ValidationError("--update applies to --architecture lstm and dnc (LISTA keeps its own update).")
    }
    if resume, update != nil {
      throw ValidationError("--update is set when a session starts; --resume keeps the session's.")
    }
    if resume, imitationWeight > 0 || curriculum != nil {
      throw ValidationError("--imitation-weight and --curriculum are set when a session starts; --resume keeps the session's.")
    }
    if let preprocessing, GradientPreprocessing(parsing: preprocessing) == nil {
      throw ValidationError("--preprocessing expects none, log-sign[:k], rnnprop[:b1:b2], momenta or momenta:time, got '\(preprocessing)'.")
    }
  }

  func run() throws {
    if architecture == .lista || resumesLISTA { return try runLISTA() }
    if distributed || MPIEnvironment(environment: ProcessInfo.processInfo.environment).isMultiRank {
      return try runDistributed()
    }
    let places = try sessionPlaces()
    if !resume {
      // Before tuning the baselines (minutes on a large class).
      let problemClass = try problemOptions.makeClass()
      let batch = batch ?? MetaTrainingConfiguration.defaults(forProblem: problemClass.name).batch
      try Limits.requireMemory(problemClass, count: batch, option: "--batch")
      let defaults = LSTMOptimizerConfiguration.defaults(forProblem: problemClass.name)
      let (coordinates, overflow) = batch.multipliedReportingOverflow(by: problemClass.sample(seed: 0).dimension)
      try Limits.requireTapeMemory(
        coordinates: overflow ? Int.max : coordinates, hidden: hidden ?? defaults.hiddenSize,
        layers: architecture == .dnc ? 1 : (layers ?? defaults.layers), unroll: unroll)
    }
    try prepareToWrite(places)
    let prepared = try prepare(places: places, tuneBaselines: true)
    let trainer = prepared.trainer
    var manifest = prepared.manifest
    let problemClass = prepared.problemClass
    try Limits.requireMemory(problemClass, count: trainer.configuration.batch, option: "--batch")
    let (hiddenUnits, layerCount) =
      switch trainer.weights {
      case .lstm(let lstm): (lstm.configuration.hiddenSize, lstm.configuration.layers)
      case .dnc(let dnc): (dnc.configuration.hiddenSize, 1)
      }
    let (coordinates, overflow) = trainer.configuration.batch.multipliedReportingOverflow(
      by: problemClass.sample(seed: 0).dimension)
    try Limits.requireTapeMemory(
      coordinates: overflow ? Int.max : coordinates, hidden: hiddenUnits, layers: layerCount,
      unroll: trainer.configuration.unroll)
    try Limits.require(
      "--iterations (with the session's \(trainer.iteration) done)", trainer.iteration + iterations,
      in: Limits.metaIteration)

    let interrupted = InterruptFlag()
    var raceHistory = (try? places.source.load())?.raceHistory ?? CSVTable(header: [])
    func save(_ history: CSVTable) throws {
      manifest.metaIteration = trainer.iteration
      manifest.training = trainer.trainingRecord
      manifest = try places.target.save(
        Session(manifest: manifest, weights: trainer.sessionTensors, trainingHistory: history, raceHistory: raceHistory))
    }
    if !quiet {
      printError("session \(places.target.name) in \(places.target.store.directory.path): \(trainer.weights.record.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")), objective \(trainer.configuration.objective.rawValue)")
    }
    let history = try runTrainingLoop(
      label: "train \(problemClass.name)", lossName: "meta-loss", history: prepared.history, interrupted: interrupted,
      step: {
        let report = trainer.step()
        if report.skipped, !quiet {
          printError("\niteration \(report.iteration): non-finite meta-gradient, update skipped, episode restarted")
        }
        return MetaTrainingLoop.Step(report)
      },
      validate: { trainer.validate() }, save: save)
    // The last unroll's tape is not needed for the race (on MNIST it would
    // double the run's peak memory).
    trainer.releaseTapeMemory()
    raceHistory = finalRace(trainer: trainer, problemClass: problemClass, rates: manifest.tunedLearningRates)
    try save(history)
    if !quiet {
      let last = history.rows.last.map { "validation loss \($0[2]) at iteration \($0[0])" } ?? ""
      printError("saved session \(places.target.folder.path) at iteration \(trainer.iteration)\(interrupted.isSet ? " (interrupted)" : ""); \(last)")
    }
  }

  /// A trainer, fresh or resumed, with the session's manifest and history.
  struct PreparedRun {
    let trainer: MetaTrainer
    var manifest: SessionManifest
    var history: CSVTable
    var problemClass: any ProblemClass
  }

  /// Builds the trainer of a new session (tuning the baselines' learning
  /// rates when asked) or resumes the saved one.
  func prepare(places: SessionPlaces, tuneBaselines: Bool) throws -> PreparedRun {
    let trainer: MetaTrainer
    var manifest: SessionManifest
    var history: CSVTable
    let problemClass: any ProblemClass
    if resume {
      let saved = try places.source.load()
      manifest = saved.manifest
      problemClass = try savedProblemClass(saved)
      trainer = try MetaTrainer.resume(saved, problemClass: problemClass)
      history = saved.trainingHistory
    } else {
      try requireNewSession(at: places)
      problemClass = try problemOptions.makeClass()
      var optimizer = LSTMOptimizerConfiguration.defaults(forProblem: problemClass.name)
      if let layers { optimizer.layers = layers }
      if let hidden { optimizer.hiddenSize = hidden }
      if let preprocessing, let parsed = GradientPreprocessing(parsing: preprocessing) { optimizer.preprocessing = parsed }
      if let outputScale { optimizer.outputScale = outputScale }
      if let update { optimizer.update = update }
      var training = MetaTrainingConfiguration.defaults(forProblem: problemClass.name)
      training.horizon = horizon
      training.unroll = unroll
      if let batch { training.batch = batch }
      if let metaLearningRate { training.learningRate = metaLearningRate }
      training.randomScaling = randomScaling
      training.objective = objective
      training.seed = seed
      if let curriculum, let parsed = Curriculum(parsing: curriculum, patience: curriculumPatience) {
        training.curriculum = parsed
        training.horizon = parsed.horizons[0]
      }
      let weights: LearnedOptimizerWeights
      if architecture == .dnc {
        // The DNC's controller takes --hidden, --preprocessing, --output-scale and --update.
        var dnc = DNCOptimizerConfiguration.defaults(forProblem: problemClass.name)
        if let hidden { dnc.hiddenSize = hidden }
        if let memorySlots { dnc.memorySlots = memorySlots }
        if let wordSize { dnc.wordSize = wordSize }
        if let readHeads { dnc.readHeads = readHeads }
        if let memory {
          dnc.memoryContent = memory
          if let required = memory.requiredWordSize { dnc.wordSize = required }
        }
        dnc.preprocessing = optimizer.preprocessing
        dnc.outputScale = optimizer.outputScale
        dnc.update = optimizer.update
        weights = .dnc(DNCOptimizerWeights(configuration: dnc, seed: seed))
      } else {
        weights = .lstm(LSTMOptimizerWeights(configuration: optimizer, seed: seed))
      }
      // The tuned rates come first: imitation needs Adam's before the trainer exists.
      var tunedRates: [String: Float] = [:]
      if tuneBaselines || (imitationWeight > 0 && imitationRate == nil) {
        tunedRates = try tunedBaselineRates(problemClass: problemClass, steps: training.horizon)
      }
      if imitationWeight > 0 {
        guard let rate = imitationRate ?? tunedRates["adam"] else {
          throw ValidationError("--imitation-weight: no tuned Adam rate for this problem; pass --imitation-rate.")
        }
        training.imitation = Imitation(learningRate: rate, weight: imitationWeight, probability: imitationProbability)
      }
      trainer = MetaTrainer(problemClass: problemClass, configuration: training, weights: weights)
      manifest = SessionManifest(
        name: places.target.name,
        problem: ProblemRecord(
          name: problemClass.name, options: try problemOptions.parsedOptions(),
          configurationKey: problemClass.configurationKey),
        optimizer: weights.record, objective: training.objective.rawValue, training: trainer.trainingRecord,
        seed: seed)
      history = CSVTable(header: MetaTrainingLoop.historyHeader)
      manifest.tunedLearningRates = tunedRates
    }
    return PreparedRun(trainer: trainer, manifest: manifest, history: history, problemClass: problemClass)
  }

  /// The baselines' learning rates for this problem and horizon, tuned on
  /// separate instances (from the cache when an earlier run tuned them), so
  /// the session records what its learned optimizer is compared with.
  private func tunedBaselineRates(problemClass: any ProblemClass, steps: Int) throws -> [String: Float] {
    let selection = try RacerSelection(list: nil, composite: problemClass.profile.isComposite)
    let roster = BaselineRoster(problemClass: problemClass, steps: steps)
    let missing = roster.untunedKinds(selection.configurations, cache: TuningCache(url: TuningCache.defaultURL()))
    let racers = try selection.racers(
      problemClass: problemClass, steps: steps, tune: !missing.isEmpty, tuner: LearningRateTuner(seed: seed),
      quiet: quiet)
    var rates: [String: Float] = [:]
    for racer in racers { rates[racer.name] = racer.learningRate }
    return rates
  }

  /// The session's race: the best validated optimizer against the tuned
  /// baselines on 100 held-out instances over the training horizon, kept in
  /// the session's `race.csv`.
  func finalRace(trainer: MetaTrainer, problemClass: any ProblemClass, rates: [String: Float]) -> CSVTable {
    let roster = BaselineRoster(problemClass: problemClass, steps: trainer.configuration.horizon)
    let standard = BaselineRoster.standardKinds(composite: problemClass.profile.isComposite).map {
      OptimizerConfiguration(kind: $0)
    }
    var racers = roster.resolve(standard, cache: TuningCache(url: TuningCache.defaultURL()), sessionRates: rates)
      .map(\.racer)
    racers.append(
      MetaTrainer.racer(weights: trainer.best?.weights ?? trainer.weights, name: trainer.weights.architecture.rawValue))
    var run = RaceRun(
      problemClass: problemClass, racers: racers,
      configuration: RaceConfiguration(steps: trainer.configuration.horizon, instances: 100, seed: seed))
    var progress = Progress(label: "final race", quiet: quiet)
    let result = run.run { progress.update($0, of: trainer.configuration.horizon + 1) }
    progress.finish()
    if !quiet { printError(RaceReport(result: result, tolerance: 1e-3).table()) }
    return result.csvTable
  }
}
