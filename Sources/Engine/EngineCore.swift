import Evaluation
import Foundation
import MetaLearning
import Optimizees
import Optimizers
import Sessions

/// The engine as a synchronous state machine: commands go in through
/// ``handle(_:)``, one unit of work is done per ``tick()``, and every change
/// is published as an immutable ``Snapshot``.
///
/// Nothing here knows of threads: ``LiveEngine`` runs a core on its own
/// thread (draining commands between ticks, sleeping when the core is
/// idle), and the tests step one directly, deterministically, with a clock
/// they move by hand. A unit of work is one step of the baselines' race
/// (which is drawn step by step) or, once that race has finished, one
/// meta-iteration of the learned optimizer; every `raceInterval` seconds of
/// the clock the learned optimizer's current weights are raced on the same
/// held-out instances (the curve on the screen), and every
/// `autosaveInterval` the session is saved.
public struct EngineCore {
  /// What a ``tick()`` did.
  public enum Work: Sendable, Equatable {
    /// One step of the baselines' race.
    case racedBaselines
    /// One meta-iteration (and whatever it was due: a race, a save).
    case trained
    /// Nothing: paused, stopped, or nothing to train (demo, no class).
    case idle
  }

  /// The tolerance of the steps-to-tolerance column, as `mnemo race` uses.
  public static let tolerance = ConvergenceTolerance.relative(1e-3)
  /// Meta-loss points kept for the curve; older ones are thinned.
  static let curveCapacity = 4000
  /// The snapshot of a class without a learned optimizer (the demo).
  static let noTraining = TrainingStatus(architecture: nil, objective: "none")

  public let configuration: EngineConfiguration
  /// The engine's state now, as the screen would get it.
  public var snapshot: Snapshot { makeSnapshot() }
  /// Whether ``EngineCommand/quit`` was handled (the session was saved).
  public private(set) var hasQuit = false

  private let store: SessionStore
  private let clock: () -> Date
  private let onPublish: (Snapshot) -> Void

  private var choices: [ProblemChoice] = []
  private var classes: [String: any ProblemClass] = [:]
  private var current: (any ProblemClass)?
  private var baselines: [Racer] = []
  /// The baselines' rates (what the session records).
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
  private var session: EngineSession?
  private var training = EngineCore.noTraining
  private var memory: MemoryView?
  private var trainingStart: Date
  private var lastRace = Date.distantPast
  private var lastPublish = Date.distantPast
  /// Snapshots published so far (the snapshot's sequence number).
  private var sequence = 0
  private var lastSave: Date
  private var rateWindow: (start: Date, iteration: Int)

  /// A core that has done nothing yet; ``start()`` loads the catalog and
  /// opens the first class. `clock` tells the time for every cadence (the
  /// race interval, autosave, the iteration rate); `onPublish` receives
  /// every snapshot.
  public init(
    configuration: EngineConfiguration, clock: @escaping () -> Date = { Date() },
    onPublish: @escaping (Snapshot) -> Void = { _ in }
  ) {
    self.configuration = configuration
    self.clock = clock
    self.onPublish = onPublish
    store = SessionStore(directory: configuration.sessionsDirectory)
    raceSeed = configuration.seed
    let now = clock()
    trainingStart = now
    lastSave = now
    rateWindow = (now, 0)
  }

  /// Loads the catalog (classes that cannot be built here are listed as
  /// unavailable, with the reason) and opens the configured class, or the
  /// first available one.
  public mutating func start() {
    publish()
    choices = ProblemCatalog.summaries.map { entry in
      do throws(ProblemError) {
        classes[entry.name] = try ProblemCatalog.make(entry.name, mnistDirectory: configuration.mnistDirectory)
        return ProblemChoice(name: entry.name, summary: entry.summary)
      } catch {
        return ProblemChoice(name: entry.name, summary: entry.summary, available: false, reason: error.summary)
      }
    }
    let first =
      choices.first { $0.name == configuration.problem && $0.available } ?? choices.first { $0.available }
    guard let first else {
      phase = .failed("no problem class can be built here")
      return publish()
    }
    if first.name != configuration.problem {
      note("\(configuration.problem) is not available; starting with \(first.name)")
    }
    open(first.name)
  }

  // MARK: Commands

  /// Applies a command. ``EngineCommand/quit`` saves and stops the core:
  /// later ticks do nothing.
  public mutating func handle(_ command: EngineCommand) {
    guard !hasQuit else { return }
    switch command {
    case .switchProblem(let name):
      guard let choice = choices.first(where: { $0.name == name }) else { return note("no problem class \(name)") }
      guard choice.available else {
        return note("\(name) is unavailable: \(choice.reason ?? "cannot be built here")")
      }
      guard name != current?.name else { return }
      save(reason: "before switching")
      open(name)
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
      raceLearned()
    case .save:
      if session == nil {
        note("nothing to save: no learned optimizer runs here (demo mode)")
      } else {
        save(reason: "on request")
      }
    case .setDisplay(let key, let value):
      session?.setDisplay(key: key, value: value)
    case .quit:
      save(reason: "on quit")
      hasQuit = true
    }
  }

  /// Whether the baselines' race is still being drawn (the next ticks race
  /// it rather than train).
  public var isRacingBaselines: Bool { !(baselineRace?.isFinished ?? true) }

  /// Does one unit of work: a step of the baselines' race while it runs,
  /// else a meta-iteration.
  public mutating func tick() -> Work {
    guard !hasQuit, !paused else { return .idle }
    if isRacingBaselines {
      baselineRace?.advance()
      publish()
      return .racedBaselines
    }
    guard session != nil else { return .idle }
    train()
    return .trained
  }

  // MARK: Problems

  private var isSlow: Bool { current?.profile.isExpensive ?? false }

  /// Makes `name` the current class: opens its session, resolves its
  /// baselines (tuning them when needed and cheap), and starts a race.
  private mutating func open(_ name: String) {
    guard let problemClass = classes[name] else { return }
    current = problemClass
    baselineRace = nil
    learnedTrace = nil
    memory = nil
    session = nil
    phase = .tuning(progress: 0)
    publish()
    if configuration.learning {
      var notes: [String] = []
      session = EngineSession.open(
        for: problemClass, store: store, configuration: configuration, notes: &notes)
      for message in notes { note(message) }
    }
    tunedRates = session?.tunedRates ?? [:]
    resetTraining()
    baselines = resolveBaselines(for: problemClass)
    startRace()
    raceLearned()
  }

  /// The training status of the freshly opened session, from its history.
  private mutating func resetTraining() {
    guard let session else {
      training = Self.noTraining
      return
    }
    let history = session.loop.history
    training = TrainingStatus(
      architecture: session.trainer.weights.architecture,
      objective: session.trainer.configuration.objective.rawValue,
      iteration: session.trainer.iteration,
      iterations: history.integerColumn("iteration") ?? [],
      metaLosses: history.column("meta_loss") ?? [])
    syncValidation()
    let now = clock()
    trainingStart = now
    rateWindow = (now, session.trainer.iteration)
    lastSave = now
  }

  /// The validation curve, from the session's history rows.
  private mutating func syncValidation() {
    let history = session?.loop.history ?? CSVTable(header: [])
    training.validationIterations = history.integerColumn("iteration") ?? []
    training.validationLosses = history.column("validation_loss") ?? []
  }

  /// The baselines `mnemo race` would enter, at ``BaselineRoster``'s rates;
  /// kinds with no tuned rate are tuned now (10 instances per rate), except
  /// on expensive classes (MNIST), where that takes minutes: they keep
  /// their defaults and a message says how to tune them once.
  private mutating func resolveBaselines(for problemClass: any ProblemClass) -> [Racer] {
    let roster = BaselineRoster(problemClass: problemClass, steps: configuration.steps)
    let configurations = BaselineRoster.standardKinds(composite: problemClass.profile.isComposite).map {
      OptimizerConfiguration(kind: $0)
    }
    var cache = TuningCache(url: configuration.tuningCache)
    let missing = roster.untunedKinds(configurations, cache: cache, sessionRates: tunedRates)
    if !missing.isEmpty && isSlow {
      note(
        "\(problemClass.name): default learning rates (tune once with `mnemo race --problem \(problemClass.name) --tune`)")
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
      roster.record(outcomes, in: &cache)
      try? cache.save()
      note("tuned \(missing.count) baselines (\(configuration.tuningInstances) instances × \(tuner.grid.count) rates)")
    }
    let entries = roster.resolve(configurations, cache: cache, sessionRates: tunedRates)
    for entry in entries {
      if let rate = entry.configuration.learningRate { tunedRates[entry.configuration.kind.rawValue] = rate }
    }
    return entries.map(\.racer)
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

  /// Races the learned optimizer's current weights on the held-out
  /// instances, and probes its state on the first for the memory panel.
  private mutating func raceLearned() {
    guard let session, let problemClass = current else { return }
    var run = RaceRun(problemClass: problemClass, racers: [session.trainer.racer()], configuration: raceConfiguration)
    learnedTrace = run.run().traces.first
    lastRace = clock()
    memory = MemoryView.afterRun(
      of: session.trainer.weights, on: problemClass, seed: raceSeed, steps: configuration.steps)
    publish()
  }

  // MARK: Training

  private mutating func train() {
    guard session != nil else { return }
    let now = clock()
    let validations = session?.loop.history.rows.count ?? 0
    guard let (report, _) = session?.iterate(now: now) else { return }
    training.iteration = report.iteration
    if report.skipped {
      note("meta-iteration \(report.iteration): non-finite meta-gradient, update skipped")
    } else {
      training.iterations.append(report.iteration)
      training.metaLosses.append(report.metaLoss)
      if training.iterations.count > Self.curveCapacity { thinCurve() }
    }
    if session?.loop.history.rows.count != validations { syncValidation() }
    let window = now.timeIntervalSince(rateWindow.start)
    if window > 1 {
      training.iterationsPerSecond = Double(report.iteration - rateWindow.iteration) / window
      rateWindow = (now, report.iteration)
    }
    training.elapsedSeconds = now.timeIntervalSince(trainingStart)
    if now.timeIntervalSince(lastRace) >= configuration.raceInterval { raceLearned() }
    if now.timeIntervalSince(lastSave) >= configuration.autosaveInterval { save(reason: "autosave") }
    // Fast classes run hundreds of meta-iterations a second: ten
    // snapshots a second are what the screen can show.
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
    guard session != nil else { return }
    var race = baselineRace?.result
    if let learnedTrace { race?.traces.append(learnedTrace) }
    if let message = session?.save(race: race, tunedRates: tunedRates, reason: reason) { note(message) }
    lastSave = clock()
  }

  // MARK: Publishing

  private mutating func note(_ message: String) {
    messages.append(message)
    if messages.count > 20 { messages.removeFirst(messages.count - 20) }
    publish()
  }

  /// Hands the current state to `onPublish`.
  private mutating func publish() {
    sequence += 1
    lastPublish = clock()
    onPublish(makeSnapshot())
  }

  private func makeSnapshot() -> Snapshot {
    var result = baselineRace?.result
    if let learnedTrace, result != nil { result?.traces.append(learnedTrace) }
    return Snapshot(
      sequence: sequence, problemName: current?.name ?? "", problemKey: current?.configurationKey ?? "",
      problemChoices: choices, phase: phase, race: result,
      summaries: result?.summaries(tolerance: Self.tolerance) ?? [],
      training: training, memory: memory, messages: messages, sessionName: session?.name)
  }
}
