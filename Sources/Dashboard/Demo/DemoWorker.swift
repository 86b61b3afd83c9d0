import Engine
import Foundation
import MetaLearning
import Optimizees
import Optimizers

/// The demo engine's thread: builds problem classes, tunes the baselines,
/// runs races step by step and publishes a snapshot after each step.
struct DemoWorker {
  let configuration: DemoEngine.Configuration
  let published: Locked<Snapshot>
  let commands: Locked<[EngineCommand]>

  private var sequence = 0
  private var choices: [ProblemChoice] = []
  private var classes: [String: any ProblemClass] = [:]
  private var current: (any ProblemClass)?
  private var racers: [Racer] = []
  private var race: RaceRun?
  private var raceSeed: UInt64
  private var raceNumber = 0
  private var paused = false
  private var phase: EnginePhase = .starting
  private var messages: [String] = []

  /// The tolerance of the steps-to-tolerance column, as `mnemo race` uses.
  static let tolerance = ConvergenceTolerance.relative(1e-3)

  init(
    configuration: DemoEngine.Configuration, published: Locked<Snapshot>, commands: Locked<[EngineCommand]>
  ) {
    self.configuration = configuration
    self.published = published
    self.commands = commands
    raceSeed = configuration.seed
  }

  mutating func run() {
    publish()
    loadChoices()
    let first =
      choices.first { $0.name == configuration.problem && $0.available } ?? choices.first { $0.available }
    if let first {
      if first.name != configuration.problem {
        note("\(configuration.problem) is not available; starting with \(first.name)")
      }
      switchProblem(first.name)
    } else {
      phase = .failed("no problem class can be built here")
      publish()
    }
    while true {
      for command in commands.withLock({ queue in
        defer { queue.removeAll() }
        return queue
      }) {
        if command == .quit {
          note("demo stopped")
          return
        }
        handle(command)
      }
      guard !paused, race?.isFinished == false else {
        Thread.sleep(forTimeInterval: 0.03)
        continue
      }
      let started = Date()
      race?.advance()
      if race?.isFinished == true { note(finishedMessage()) }
      publish()
      if configuration.stepsPerSecond > 0 {
        let wait = 1 / configuration.stepsPerSecond - Date().timeIntervalSince(started)
        if wait > 0 { Thread.sleep(forTimeInterval: wait) }
      }
    }
  }

  // MARK: Commands

  private mutating func handle(_ command: EngineCommand) {
    switch command {
    case .switchProblem(let name):
      guard let choice = choices.first(where: { $0.name == name }) else {
        note("no problem class \(name)")
        return
      }
      guard choice.available else {
        note("\(name) is unavailable: \(choice.reason ?? "cannot be built here")")
        return
      }
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
    case .save:
      note("nothing saved: the demo has no learned optimizer or session (mnemo race records baselines)")
    case .setDisplay:
      break
    case .quit:
      break
    }
  }

  // MARK: Problems and races

  /// The catalog; a class that cannot be built (MNIST without its files)
  /// is listed as unavailable with the reason.
  private mutating func loadChoices() {
    choices = ProblemCatalog.summaries.map { entry in
      do throws(ProblemError) {
        classes[entry.name] = try ProblemCatalog.make(
          entry.name, mnistDirectory: configuration.mnistDirectory)
        return ProblemChoice(name: entry.name, summary: entry.summary)
      } catch {
        return ProblemChoice(name: entry.name, summary: entry.summary, available: false, reason: "\(error)")
      }
    }
  }

  private var isSlow: Bool { current?.name == "mnist-mlp" }

  private mutating func switchProblem(_ name: String) {
    guard let problemClass = classes[name] else { return }
    current = problemClass
    race = nil
    racers = []
    phase = .tuning(progress: 0)
    publish()
    racers = tunedRacers(for: problemClass)
    startRace()
  }

  /// The baselines `mnemo race` would enter (ISTA and FISTA too on
  /// composite problems), with learning rates from the tuning cache, else
  /// from a tuning run here (not on MNIST, where it would take minutes:
  /// the defaults are used and a message says so). ISTA and FISTA take
  /// 1/L where the problem knows L.
  private mutating func tunedRacers(for problemClass: any ProblemClass) -> [Racer] {
    let sample = problemClass.sample(seed: 0)
    var kinds: [OptimizerKind] = [.sgd, .momentum, .nag, .rmsprop, .adam, .adagrad]
    if !sample.regularizer.isNone { kinds += [.ista, .fista] }
    let usesOneOverL: (OptimizerKind) -> Bool = {
      OptimizerConfiguration(kind: $0).isProximalGradient && sample.smoothLipschitz != nil
    }
    let cache = TuningCache(url: TuningCache.defaultURL())
    var rates: [OptimizerKind: Float] = [:]
    for kind in kinds where !usesOneOverL(kind) {
      rates[kind] = cache.learningRate(
        problemKey: problemClass.configurationKey, steps: configuration.steps, kind: kind)
    }
    let missing = kinds.filter { !usesOneOverL($0) && rates[$0] == nil }
    if !missing.isEmpty && isSlow {
      note("\(problemClass.name): default learning rates (the demo does not tune on this class: too slow)")
    } else if !missing.isEmpty {
      let tuner = LearningRateTuner(instances: configuration.tuningInstances, seed: configuration.seed)
      var lastShown = -1
      let outcomes = tuner.tune(problemClass: problemClass, kinds: missing, steps: configuration.steps) {
        done, all in
        let percent = all > 0 ? done * 100 / all : 0
        if percent / 5 != lastShown / 5 {
          lastShown = percent
          phase = .tuning(progress: Double(done) / Double(max(1, all)))
          publish()
        }
      }
      for outcome in outcomes { rates[outcome.kind] = outcome.learningRate }
      note(
        "tuned \(missing.count) baselines on \(problemClass.name) "
          + "(\(configuration.tuningInstances) tuning instances × \(tuner.grid.count) rates)")
    } else {
      note("\(problemClass.name): learning rates from the tuning cache")
    }
    return kinds.map { kind in
      Racer(OptimizerConfiguration(kind: kind, learningRate: usesOneOverL(kind) ? nil : rates[kind]))
    }
  }

  private mutating func startRace() {
    guard let problemClass = current, !racers.isEmpty else { return }
    raceNumber += 1
    let instances = isSlow ? min(configuration.instances, 4) : configuration.instances
    race = RaceRun(
      problemClass: problemClass, racers: racers,
      configuration: RaceConfiguration(steps: configuration.steps, instances: instances, seed: raceSeed))
    if !paused { phase = .training }
    note("race \(raceNumber) on \(problemClass.name): \(instances) held-out instances, seed \(raceSeed)")
  }

  private func finishedMessage() -> String {
    guard let result = race?.result else { return "race finished" }
    let summaries = result.summaries(tolerance: Self.tolerance)
    guard let best = summaries.first(where: { $0.rank == 1 }) else { return "race finished" }
    return
      "race \(raceNumber) finished: \(best.name) first (mean loss \(NumberFormat.value(best.finalMeanLoss)))"
  }

  // MARK: Publishing

  private mutating func note(_ message: String) {
    messages.append(message)
    if messages.count > 20 { messages.removeFirst(messages.count - 20) }
    publish()
  }

  private mutating func publish() {
    sequence += 1
    let result = race?.result
    let snapshot = Snapshot(
      sequence: sequence, problemName: current?.name ?? "", problemKey: current?.configurationKey ?? "",
      problemChoices: choices, phase: phase, race: result,
      summaries: result?.summaries(tolerance: Self.tolerance) ?? [],
      training: TrainingStatus(architecture: "none", objective: "none"), memory: nil, messages: messages,
      sessionName: nil)
    published.withLock { $0 = snapshot }
  }
}
