import Foundation
import LinearAlgebra
import MetaLearning
import Optimizees
import Optimizers

/// The engine thread's state and loop. Single-threaded by construction:
/// the trainer (which owns a tape) and every race live here only.
struct EngineWorker {
  let configuration: EngineConfiguration
  let channel: EngineChannel
  private let store: SessionStore

  private var sequence = 0
  private var choices: [ProblemChoice] = []
  private var classes: [String: any ProblemClass] = [:]
  private var current: (any ProblemClass)?
  private var baselines: [Racer] = []
  private var tunedRates: [String: Float] = [:]
  /// The baselines' race on the held-out instances (computed once per seed).
  private var baselineRace: RaceRun?
  /// The learned optimizer's latest trace on the same instances.
  private var learnedTrace: RacerTrace?
  private var raceSeed: UInt64
  private var raceNumber = 0
  private var paused = false
  private var phase: EnginePhase = .starting
  private var messages: [String] = []

  private var trainer: MetaTrainer?
  private var manifest: SessionManifest?
  /// Where the open session is saved: its own folder, or `local/NAME` for a
  /// session shipped with Mnemo (which is never written).
  private var target: SessionLocation?
  private var history = CSVTable(header: ["iteration", "meta_loss", "validation_loss", "seconds"])
  private var training = TrainingStatus()
  private var memory: MemoryView?
  private var trainingStart = Date()
  private var lastRace = Date.distantPast
  private var lastSave = Date()
  private var lastPublish = Date.distantPast
  private var rateWindow: (start: Date, iteration: Int) = (Date(), 0)

  /// The tolerance of the steps-to-tolerance column, as `mnemo race` uses.
  static let tolerance = ConvergenceTolerance.relative(1e-3)
  /// Meta-loss points kept for the curve; older ones are thinned.
  static let curveCapacity = 4000

  init(configuration: EngineConfiguration, channel: EngineChannel) {
    self.configuration = configuration
    self.channel = channel
    store = SessionStore(directory: configuration.sessionsDirectory)
    raceSeed = configuration.seed
  }

  mutating func run() {
    publish()
    loadChoices()
    let first = choices.first { $0.name == configuration.problem && $0.available } ?? choices.first { $0.available }
    guard let first else {
      phase = .failed("no problem class can be built here")
      publish()
      return
    }
    if first.name != configuration.problem { note("\(configuration.problem) is not available; starting with \(first.name)") }
    switchProblem(first.name)
    while true {
      for command in channel.drain() {
        if command == .quit {
          save(reason: "on quit")
          return
        }
        handle(command)
      }
      if paused {
        Thread.sleep(forTimeInterval: 0.03)
        continue
      }
      if let race = baselineRace, !race.isFinished {
        advanceBaselineRace()
      } else if trainer != nil {
        trainOnce()
      } else {
        Thread.sleep(forTimeInterval: 0.03)
      }
    }
  }

  // MARK: Commands

  private mutating func handle(_ command: EngineCommand) {
    switch command {
    case .switchProblem(let name):
      guard let choice = choices.first(where: { $0.name == name }) else { return note("no problem class \(name)") }
      guard choice.available else { return note("\(name) is unavailable: \(choice.reason ?? "cannot be built here")") }
      guard name != current?.name else { return }
      save(reason: "before switching")
      switchProblem(name)
    case .pause:
      paused = true
      phase = .paused
      publish()
    case .resume:
      paused = false
      phase = .training
      publish()
    case .restartRace:
      raceSeed += 1
      startRace()
      if trainer != nil { raceLearned() }
    case .save:
      if trainer == nil {
        note("nothing to save: no learned optimizer runs here (demo mode)")
      } else {
        save(reason: "on request")
      }
    case .setDisplay(let key, let value):
      if key == "theme" { manifest?.theme = value } else { manifest?.display[key] = value }
    case .quit:
      break
    }
  }

  // MARK: Problems

  /// The catalog; a class that cannot be built (MNIST without its files) is
  /// listed as unavailable with the reason.
  private mutating func loadChoices() {
    choices = ProblemCatalog.summaries.map { entry in
      do throws(ProblemError) {
        classes[entry.name] = try ProblemCatalog.make(entry.name, mnistDirectory: configuration.mnistDirectory)
        return ProblemChoice(name: entry.name, summary: entry.summary)
      } catch {
        return ProblemChoice(name: entry.name, summary: entry.summary, available: false, reason: error.summary)
      }
    }
  }

  private var isSlow: Bool { current?.profile.isExpensive ?? false }

  private mutating func switchProblem(_ name: String) {
    guard let problemClass = classes[name] else { return }
    current = problemClass
    baselineRace = nil
    learnedTrace = nil
    memory = nil
    trainer = nil
    manifest = nil
    target = nil
    phase = .tuning(progress: 0)
    publish()
    if configuration.learning { openSession(for: problemClass) }
    baselines = tunedBaselines(for: problemClass)
    if var manifest, manifest.tunedLearningRates.isEmpty {
      manifest.tunedLearningRates = tunedRates
      self.manifest = manifest
    }
    startRace()
    if trainer != nil { raceLearned() }
  }

  /// Resumes the class's session (named after the class) or starts one.
  /// A session shipped with Mnemo is resumed from its continuation in
  /// `local/NAME` when there is one, else initialised from the shipped
  /// weights, and saved to `local/NAME` either way.
  private mutating func openSession(for problemClass: any ProblemClass) {
    let name = problemClass.name
    let (source, target) = SessionLocation.dashboard(store: store, name: name)
    self.target = target
    if source.store.exists(name) {
      do {
        if source == target { try source.store.recover(name) }
        let session = try source.store.load(name)
        guard session.manifest.problem.configurationKey == problemClass.configurationKey else {
          throw SessionError.mismatch(
            path: source.folder.path, reason: "trained on \(session.manifest.problem.configurationKey)")
        }
        if source != target {
          note("\(source.folder.path) stays as it is (shipped with Mnemo): training continues in \(target.folder.path)")
        }
        trainer = try MetaTrainer.resume(session, problemClass: problemClass)
        manifest = session.manifest
        history = session.trainingHistory.header.isEmpty ? history : session.trainingHistory
        tunedRates = session.manifest.tunedLearningRates
        note("resumed session \(name) at meta-iteration \(session.manifest.metaIteration)")
      } catch {
        note("could not resume session \(name): \(error); training from scratch in memory (not saved over it)")
        self.target = nil
        startFresh(problemClass, saveAs: nil)
      }
    } else {
      startFresh(problemClass, saveAs: name)
      note("new session \(name): meta-training from scratch")
    }
    training = TrainingStatus(
      architecture: trainer?.weights.architecture,
      objective: trainer?.configuration.objective.rawValue ?? configuration.objective.rawValue,
      iteration: trainer?.iteration ?? 0,
      iterations: history.integerColumn("iteration") ?? [],
      metaLosses: history.column("meta_loss") ?? [],
      validationIterations: history.integerColumn("iteration") ?? [],
      validationLosses: history.column("validation_loss") ?? [])
    trainingStart = Date()
    rateWindow = (Date(), trainer?.iteration ?? 0)
    lastSave = Date()
  }

  private mutating func startFresh(_ problemClass: any ProblemClass, saveAs name: String?) {
    let optimizer = LSTMOptimizerConfiguration.defaults(forProblem: problemClass.name)
    var settings = MetaTrainingConfiguration.defaults(forProblem: problemClass.name)
    settings.horizon = configuration.steps
    settings.objective = configuration.objective
    settings.seed = configuration.seed
    trainer = MetaTrainer(
      problemClass: problemClass, configuration: settings,
      weights: LSTMOptimizerWeights(configuration: optimizer, seed: configuration.seed))
    history = CSVTable(header: ["iteration", "meta_loss", "validation_loss", "seconds"])
    manifest = name.map {
      SessionManifest(
        name: $0,
        problem: ProblemRecord(name: problemClass.name, options: [:], configurationKey: problemClass.configurationKey),
        optimizer: optimizer.record, objective: settings.objective.rawValue, training: settings.record,
        seed: configuration.seed)
    }
  }

  /// The baselines `mnemo race` would enter, with learning rates from the
  /// session, else the tuning cache, else a tuning run now (not on MNIST,
  /// where that takes minutes: defaults, and a message says so).
  private mutating func tunedBaselines(for problemClass: any ProblemClass) -> [Racer] {
    let profile = problemClass.profile
    var kinds: [OptimizerKind] = [.sgd, .momentum, .nag, .rmsprop, .adam, .adagrad]
    if profile.isComposite { kinds += [.ista, .fista] }
    let usesOneOverL: (OptimizerKind) -> Bool = {
      OptimizerConfiguration(kind: $0).isProximalGradient && profile.knowsLipschitz
    }
    var cache = TuningCache(url: configuration.tuningCache)
    var rates: [OptimizerKind: Float] = [:]
    for kind in kinds where !usesOneOverL(kind) {
      rates[kind] =
        tunedRates[kind.rawValue]
        ?? cache.learningRate(problemKey: problemClass.configurationKey, steps: configuration.steps, kind: kind)
    }
    let missing = kinds.filter { !usesOneOverL($0) && rates[$0] == nil }
    if !missing.isEmpty && isSlow {
      note("\(problemClass.name): default learning rates (tune once with `mnemo race --problem \(problemClass.name) --tune`)")
    } else if !missing.isEmpty {
      note("tuning \(missing.count) baselines on \(problemClass.name)…")
      let tuner = LearningRateTuner(instances: configuration.tuningInstances, seed: configuration.seed)
      var lastShown = -1
      let outcomes = tuner.tune(problemClass: problemClass, kinds: missing, steps: configuration.steps) { done, all in
        let percent = all > 0 ? done * 100 / all : 0
        if percent / 5 != lastShown / 5 {
          lastShown = percent
          phase = .tuning(progress: Double(done) / Double(max(1, all)))
          publish()
        }
      }
      for outcome in outcomes {
        rates[outcome.kind] = outcome.learningRate
        cache.record(outcome.learningRate, problemKey: problemClass.configurationKey, steps: configuration.steps, kind: outcome.kind)
      }
      try? cache.save()
      note("tuned \(missing.count) baselines (\(configuration.tuningInstances) instances × \(tuner.grid.count) rates)")
    }
    for (kind, rate) in rates { tunedRates[kind.rawValue] = rate }
    return kinds.map { kind in
      Racer(OptimizerConfiguration(kind: kind, learningRate: usesOneOverL(kind) ? nil : rates[kind]))
    }
  }

  // MARK: Races

  private var raceInstances: Int { isSlow ? min(configuration.instances, 4) : configuration.instances }

  private var raceConfiguration: RaceConfiguration {
    RaceConfiguration(steps: configuration.steps, instances: raceInstances, seed: raceSeed)
  }

  private mutating func startRace() {
    guard let problemClass = current, !baselines.isEmpty else { return }
    raceNumber += 1
    baselineRace = RaceRun(problemClass: problemClass, racers: baselines, configuration: raceConfiguration)
    learnedTrace = nil
    if !paused { phase = .training }
    note("race \(raceNumber) on \(problemClass.name): \(raceInstances) held-out instances, seed \(raceSeed)")
  }

  private mutating func advanceBaselineRace() {
    let started = Date()
    baselineRace?.advance()
    publish()
    if configuration.stepsPerSecond > 0 {
      let wait = 1 / configuration.stepsPerSecond - Date().timeIntervalSince(started)
      if wait > 0 { Thread.sleep(forTimeInterval: wait) }
    }
  }

  /// Races the learned optimizer's current weights on the held-out
  /// instances, and records its hidden state on the first for the memory
  /// panel.
  private mutating func raceLearned() {
    guard let trainer, let problemClass = current else { return }
    var run = RaceRun(problemClass: problemClass, racers: [trainer.racer()], configuration: raceConfiguration)
    learnedTrace = run.run().traces.first
    lastRace = Date()
    memory = Self.hiddenState(weights: trainer.weights, problemClass: problemClass, seed: raceSeed, steps: configuration.steps)
    if let loss = learnedTrace?.finalMeanLoss {
      training.validationIterations.append(trainer.iteration)
      training.validationLosses.append(loss)
      history.rows.append([
        String(trainer.iteration), String(format: "%.6g", training.metaLosses.last ?? .nan),
        String(format: "%.6g", loss), String(format: "%.1f", Date().timeIntervalSince(trainingStart)),
      ])
    }
    publish()
  }

  /// What the memory panel shows after a run of `weights` on the first
  /// held-out instance: the LSTM's hidden activations, or the DNC's memory,
  /// usage, weightings and links.
  static func hiddenState(
    weights: LearnedOptimizerWeights, problemClass: any ProblemClass, seed: UInt64, steps: Int
  ) -> MemoryView
  {
    switch weights {
    case .lstm(let lstm): hiddenState(weights: lstm, problemClass: problemClass, seed: seed, steps: steps)
    case .dnc(let dnc): dncMemory(weights: dnc, problemClass: problemClass, seed: seed, steps: steps)
    }
  }

  /// Runs `optimizer` for `steps` proximal-gradient steps from the
  /// problem's θ₀, so its recurrent state is what a race would leave.
  static func run(_ optimizer: inout some Optimizer, on problem: inout any Problem, steps: Int) {
    var theta = problem.initialParameters
    var gradient = [Float](repeating: 0, count: problem.dimension)
    for _ in 0..<steps {
      _ = problem.objective(at: theta, gradient: &gradient)
      optimizer.step(parameters: &theta, gradient: gradient)
      problem.regularizer.applyProximal(&theta, step: optimizer.proximalStep)
    }
  }

  /// The DNC's memory and weightings after a run on the first held-out
  /// instance.
  static func dncMemory(
    weights: DNCOptimizerWeights, problemClass: any ProblemClass, seed: UInt64, steps: Int
  ) -> MemoryView
  {
    var problem = problemClass.sample(seed: SeedStream.evaluation.seed(seed, index: 0))
    var optimizer = DNCOptimizer(
      weights: weights, dimension: problem.dimension, proximalStep: problem.smoothLipschitz.map { 1 / $0 })
    run(&optimizer, on: &problem, steps: steps)
    let view = optimizer.memoryView
    return .dnc(
      DNCMemoryView(
        slots: view.slots, width: view.width, memory: view.memory, usage: view.usage,
        writeWeighting: view.writeWeights, readWeightings: view.readWeights, precedence: view.precedence,
        link: view.link))
  }

  /// The LSTM's hidden activations after a run on the first held-out
  /// instance (up to 64 coordinates shown).
  static func hiddenState(weights: LSTMOptimizerWeights, problemClass: any ProblemClass, seed: UInt64, steps: Int)
    -> MemoryView
  {
    var problem = problemClass.sample(seed: SeedStream.evaluation.seed(seed, index: 0))
    var optimizer = LSTMOptimizer(
      weights: weights, dimension: problem.dimension, proximalStep: problem.smoothLipschitz.map { 1 / $0 })
    run(&optimizer, on: &problem, steps: steps)
    let shown = min(problem.dimension, 64)
    let h = weights.configuration.hiddenSize
    let layers = (0..<weights.configuration.layers).map { Array(optimizer.hiddenState(layer: $0).prefix(shown * h)) }
    return .lstm(hidden: layers, coordinates: shown, hiddenSize: h)
  }

  // MARK: Training

  private mutating func trainOnce() {
    guard let trainer else { return }
    let report = trainer.step()
    training.iteration = report.iteration
    if report.skipped {
      note("meta-iteration \(report.iteration): non-finite meta-gradient, update skipped")
    } else {
      training.iterations.append(report.iteration)
      training.metaLosses.append(report.metaLoss)
      if training.iterations.count > Self.curveCapacity { thinCurve() }
    }
    let now = Date()
    let window = now.timeIntervalSince(rateWindow.start)
    if window > 1 {
      training.iterationsPerSecond = Double(report.iteration - rateWindow.iteration) / window
      rateWindow = (now, report.iteration)
    }
    training.elapsedSeconds = now.timeIntervalSince(trainingStart)
    if now.timeIntervalSince(lastRace) > configuration.raceInterval { raceLearned() }
    if now.timeIntervalSince(lastSave) > configuration.autosaveInterval { save(reason: "autosave") }
    if now.timeIntervalSince(lastPublish) > 0.1 { publish() }
  }

  /// Halves the meta-loss curve's resolution, keeping its shape.
  private mutating func thinCurve() {
    let keep = training.iterations.indices.filter { $0 % 2 == 0 || $0 == training.iterations.count - 1 }
    training.iterations = keep.map { training.iterations[$0] }
    training.metaLosses = keep.map { training.metaLosses[$0] }
  }

  // MARK: Saving

  private mutating func save(reason: String) {
    guard let trainer, var manifest, let target else { return }
    manifest.metaIteration = trainer.iteration
    manifest.tunedLearningRates = tunedRates
    do {
      var race = baselineRace?.result
      if let learnedTrace { race?.traces.append(learnedTrace) }
      self.manifest = try target.store.save(
        Session(
          manifest: manifest, weights: trainer.sessionTensors, trainingHistory: history,
          raceHistory: race?.csvTable ?? CSVTable(header: [])),
        as: target.name)
      note("saved session \(manifest.name) in \(target.store.directory.path) at meta-iteration \(trainer.iteration) (\(reason))")
    } catch {
      note("could not save session \(manifest.name): \(error)")
    }
    lastSave = Date()
  }

  // MARK: Publishing

  private mutating func note(_ message: String) {
    messages.append(message)
    if messages.count > 20 { messages.removeFirst(messages.count - 20) }
    publish()
  }

  private mutating func publish() {
    sequence += 1
    lastPublish = Date()
    var result = baselineRace?.result
    if let learnedTrace, result != nil { result?.traces.append(learnedTrace) }
    let snapshot = Snapshot(
      sequence: sequence, problemName: current?.name ?? "", problemKey: current?.configurationKey ?? "",
      problemChoices: choices, phase: phase, race: result,
      summaries: result?.summaries(tolerance: Self.tolerance) ?? [],
      training: trainer == nil ? TrainingStatus(architecture: nil, objective: "none") : training,
      memory: memory, messages: messages, sessionName: manifest?.name)
    channel.snapshot.withLock { $0 = snapshot }
  }
}
