import Dispatch
import Evaluation
import Foundation
import LinearAlgebra
import Optimizees
import Optimizers
import Sessions

/// Runs a ``Study`` and writes its report: plans every task (train a missing
/// session, tune a horizon's learning rates, race an experiment) with a
/// cost estimate, executes them in order with progress and ETA, and writes
/// each experiment's CSV and SVG as soon as it finishes and `report.md`
/// after every section — an interrupted or failing run keeps what it made.
public struct StudyRunner {
  public let study: Study
  public let settings: ReportSettings

  public init(study: Study, settings: ReportSettings) {
    self.study = study
    self.settings = settings
  }

  /// Runs the study; throws only when the output cannot be written.
  public func run(meter: ProgressMeter) throws(ReportError) -> ReportOutcome {
    let output = ReportOutput(directory: settings.outputDirectory)
    try output.prepare()
    var execution = Execution(study: study, settings: settings, output: output, meter: meter)
    return try execution.run()
  }
}

/// The status of a learned contender's session.
enum LearnedState {
  /// On disk, not loaded yet.
  case stored
  /// Will be trained by a planned task.
  case toTrain(TrainingRecipe)
  /// Loaded: its racer and a description of its training.
  case ready(Racer, description: String)
  /// Not available, and why (a table cell).
  case unavailable(String)
}

/// One planned unit of work.
enum PlannedTask {
  case train(TrainingRecipe, ProblemSpec)
  case tune(ProblemSpec, steps: Int, kinds: [OptimizerKind])
  case race(section: Int, experiment: Int)
}

/// The mutable state of one run.
struct Execution {
  let study: Study
  let settings: ReportSettings
  let output: ReportOutput
  let meter: ProgressMeter
  let factory: ProblemFactory
  var classes: [ProblemSpec: Result<any ProblemClass, ProblemFactory.FactoryError>] = [:]
  var learned: [String: LearnedState] = [:]
  var cache: TuningCache
  var sections: [SectionOutput]
  var notes: [String] = []
  var files: [String] = []
  var trainedSessions: [String] = []
  /// The commit, date and machine, taken once when the run starts.
  let provenance: Provenance

  init(study: Study, settings: ReportSettings, output: ReportOutput, meter: ProgressMeter) {
    self.study = study
    self.settings = settings
    self.output = output
    self.meter = meter
    let needsMNIST = study.sections.contains { $0.experiments.contains { $0.problem.needsMNIST } }
    factory = ProblemFactory(
      needed: needsMNIST, directory: settings.mnistDirectory, subset: study.mnistSubset)
    cache = TuningCache(url: settings.tuningCache)
    sections = study.sections.map { SectionOutput(section: $0) }
    provenance = Provenance.current(directory: settings.repositoryDirectory)
  }

  mutating func problemClass(_ spec: ProblemSpec) -> Result<any ProblemClass, ProblemFactory.FactoryError> {
    if let known = classes[spec] { return known }
    let made = factory.make(spec)
    classes[spec] = made
    return made
  }

  // MARK: Planning

  /// The tasks in execution order with their estimated work.
  mutating func plan() -> [(task: PlannedTask, work: Double, label: String)] {
    var tasks: [(PlannedTask, Double, String)] = []
    var plannedTunings = Set<String>()
    for (s, section) in study.sections.enumerated() {
      for (e, experiment) in section.experiments.enumerated() {
        guard case .success(let problemClass) = problemClass(experiment.problem) else { continue }
        for contender in experiment.contenders {
          guard let session = contender.session, learned[session] == nil else { continue }
          if settings.sessions.exists(session) {
            learned[session] = .stored
          } else if !settings.allowTraining {
            learned[session] = .unavailable("not trained (--no-train)")
          } else if let recipe = study.recipes[session] {
            if settings.registry.trainers[recipe.architecture] == nil {
              learned[session] = .unavailable("not trained (no trainer for architecture \(recipe.architecture))")
            } else if case .failure(let error) = self.problemClass(recipe.problem) {
              learned[session] = .unavailable("not trained (\(error.message))")
            } else {
              learned[session] = .toTrain(recipe)
              tasks.append(
                (.train(recipe, recipe.problem), WorkEstimate.training(recipe), "train \(session)"))
            }
          } else {
            learned[session] = .unavailable("not trained (the study has no recipe for it)")
          }
        }
        let steps = experiment.tuningSteps ?? experiment.steps
        let roster = BaselineRoster(problemClass: problemClass, steps: steps)
        let untuned = roster.untunedKinds(Self.baselineKinds(experiment).map { OptimizerConfiguration(kind: $0) }, cache: cache)
        let kinds = untuned.filter { kind in
          plannedTunings.insert("\(problemClass.configurationKey)|\(steps)|\(kind.rawValue)").inserted
        }
        if !kinds.isEmpty {
          let work = WorkEstimate.tuning(
            experiment.problem, steps: steps, instances: study.tuningInstances,
            racers: kinds.count * study.tuningGrid.count)
          tasks.append(
            (.tune(experiment.problem, steps: steps, kinds: kinds), work,
             "tune \(experiment.problem.label) for \(steps) steps"))
        }
        // Contenders that will race: baselines, and sessions stored or to train.
        let architectures: [String?] = experiment.contenders.compactMap { contender -> String?? in
          guard let session = contender.session else { return .some(nil) }
          if case .unavailable = learned[session] { return nil }
          return .some(study.recipes[session]?.architecture ?? LearnedArchitecture.lstm.rawValue)
        }
        let work = WorkEstimate.race(
          experiment.problem, steps: experiment.steps, instances: experiment.instances, architectures: architectures)
        tasks.append((.race(section: s, experiment: e), work, "race \(experiment.id)"))
      }
    }
    return tasks.map { (task: $0.0, work: $0.1, label: $0.2) }
  }

  /// The hand-designed rules whose learning rate is tuned — baselines and
  /// guards' fallbacks, once each (ISTA and FISTA step 1/L).
  /// The hand-designed kinds an experiment races (baselines and guards'
  /// fallbacks), each once, in order.
  static func baselineKinds(_ experiment: Experiment) -> [OptimizerKind] {
    var kinds: [OptimizerKind] = []
    for kind in experiment.contenders.compactMap(\.baselineKind) where !kinds.contains(kind) { kinds.append(kind) }
    return kinds
  }

  // MARK: Execution

  mutating func run() throws(ReportError) -> ReportOutcome {
    // Experiments whose class cannot be built are skipped, with the reason.
    for (s, section) in study.sections.enumerated() {
      for experiment in section.experiments {
        if case .failure(let error) = problemClass(experiment.problem) {
          let line = "\(experiment.id): skipped — \(error.message)."
            + (experiment.problem.needsMNIST ? " Pass --mnist DIR (the four IDX files) to include it." : "")
          sections[s].notes.append(line)
          notes.append(line)
        }
      }
    }
    for line in notes { meter.note(line) }
    let tasks = plan()
    meter.plan(totalWork: tasks.map(\.work).reduce(0, +), tasks: tasks.count)
    // The index of each section's last race: the section is complete then.
    var lastRace: [Int: Int] = [:]
    for (index, planned) in tasks.enumerated() {
      if case .race(let s, _) = planned.task { lastRace[s] = index }
    }
    try writeDocument()
    for (index, planned) in tasks.enumerated() {
      meter.begin(planned.label, work: planned.work)
      switch planned.task {
      case .train(let recipe, let spec):
        train(recipe, spec: spec)
      case .tune(let spec, let steps, let kinds):
        tune(spec, steps: steps, kinds: kinds)
      case .race(let s, let e):
        try race(section: s, experiment: e)
        if lastRace[s] == index { sections[s].isComplete = true }
        // report.md after every race: an interrupted run keeps its tables.
        try writeDocument()
      }
      meter.end()
    }
    for index in sections.indices { sections[index].isComplete = true }
    try writeDocument()
    meter.finish()
    return ReportOutcome(files: files, tables: sections.flatMap(\.tables), notes: notes)
  }

  mutating func train(_ recipe: TrainingRecipe, spec: ProblemSpec) {
    guard case .success(let problemClass) = problemClass(spec),
      let trainer = settings.registry.trainers[recipe.architecture]
    else {
      learned[recipe.session] = .unavailable("not trained")
      return
    }
    let meter = self.meter
    do {
      let session = try trainer(recipe, problemClass, settings.sessions) { done, total in
        meter.update(fraction: Double(done) / Double(max(total, 1)))
      }
      trainedSessions.append(recipe.session)
      learned[recipe.session] = load(session)
      meter.note("trained session \(recipe.session) (\(recipe.iterations) meta-iterations) into \(settings.sessions.directory.path)")
    } catch {
      learned[recipe.session] = .unavailable("training failed: \(error)")
      meter.note("training \(recipe.session) failed: \(error)")
    }
  }

  /// The racer of a loaded session, or why there is none.
  func load(_ session: Session) -> LearnedState {
    let architecture = ContenderRegistry.architecture(of: session)
    guard let loader = settings.registry.loader(for: architecture) else {
      return .unavailable("no loader for architecture \(architecture)")
    }
    do {
      let racer = try loader(session, session.manifest.name)
      let description =
        "\(architecture), \(session.manifest.objective), \(session.manifest.metaIteration) it."
      return .ready(racer, description: description)
    } catch {
      return .unavailable("error: \(error)")
    }
  }

  mutating func learnedState(_ name: String) -> LearnedState {
    switch learned[name] {
    case .stored?:
      do {
        let state = load(try settings.sessions.load(name))
        learned[name] = state
        return state
      } catch {
        let state = LearnedState.unavailable("error: \(error)")
        learned[name] = state
        return state
      }
    case let state?: return state
    case nil: return .unavailable("not planned")
    }
  }

  mutating func tune(_ spec: ProblemSpec, steps: Int, kinds: [OptimizerKind]) {
    guard case .success(let problemClass) = problemClass(spec) else { return }
    let tuner = LearningRateTuner(instances: study.tuningInstances, seed: study.seed, grid: study.tuningGrid)
    let meter = self.meter
    let outcomes = tuner.tune(problemClass: problemClass, kinds: kinds, steps: steps) { done, total in
      meter.update(fraction: Double(done) / Double(max(total, 1)))
    }
    for outcome in outcomes {
      cache.record(outcome.learningRate, problemKey: problemClass.configurationKey, steps: steps, kind: outcome.kind)
    }
    do {
      try cache.save()
    } catch {
      meter.note("warning: could not save tuned learning rates to \(cache.url.path): \(error)")
    }
  }

  mutating func race(section s: Int, experiment e: Int) throws(ReportError) {
    let experiment = study.sections[s].experiments[e]
    guard case .success(let problemClass) = problemClass(experiment.problem) else { return }
    let tuningSteps = experiment.tuningSteps ?? experiment.steps
    var racers: [Racer] = []
    var entries: [ContenderEntry] = []
    /// A hand-designed rule at its tuned rate (1/L for ISTA and FISTA),
    /// and its step-size text.
    let roster = BaselineRoster(problemClass: problemClass, steps: tuningSteps)
    func tuned(_ kind: OptimizerKind) -> (OptimizerConfiguration, String) {
      let (rate, source) = roster.rate(for: OptimizerConfiguration(kind: kind), cache: cache)
      let configuration = OptimizerConfiguration(kind: kind, learningRate: rate)
      guard let rate else { return (configuration, "1/L") }
      return (configuration, Cell.number(Double(rate)) + (source == .default ? " (default)" : ""))
    }
    for contender in experiment.contenders {
      switch contender {
      case .baseline(let kind):
        let (configuration, stepText) = tuned(kind)
        entries.append(ContenderEntry(name: kind.rawValue, stepText: stepText, trace: racers.count))
        racers.append(Racer(configuration))
      case .learned(let session), .guarded(let session, _):
        switch learnedState(session) {
        case .ready(let racer, let description):
          var entrant = racer
          var stepText = "learned (\(description))"
          if case .guarded(_, let fallback) = contender {
            let (configuration, fallbackText) = tuned(fallback)
            entrant = racer.guarded(by: configuration)
            stepText += ", guard → \(fallback.rawValue)@\(fallbackText)"
          }
          entrant.name = contender.name
          entries.append(ContenderEntry(name: contender.name, stepText: stepText, trace: racers.count))
          racers.append(entrant)
        case .unavailable(let reason):
          entries.append(ContenderEntry(name: contender.name, stepText: "learned", trace: nil, status: reason))
        case .stored, .toTrain:
          entries.append(ContenderEntry(name: contender.name, stepText: "learned", trace: nil, status: "not trained"))
        }
      }
    }
    var run = RaceRun(
      problemClass: problemClass, racers: racers,
      configuration: RaceConfiguration(steps: experiment.steps, instances: experiment.instances, seed: study.seed),
      keepingFinalParameters: experiment.needsFinalParameters)
    let meter = self.meter
    let total = Double(experiment.steps + 1)
    let result = run.run { meter.update(fraction: 0.95 * Double($0) / total) }
    let measured = ExperimentTable(
      experiment: experiment, result: result, instances: run.instances, entries: entries,
      testExamples: study.testExamples)
    let table = measured.table()
    try output.write(table.csv.text, to: table.csvFileName)
    files.append(table.csvFileName)
    sections[s].tables.append(table)
    if let plot = experiment.plot {
      let chart = measured.chart(problemLabel: experiment.problem.label)
      let name = "\(plot).svg"
      try output.write(chart.render(), to: name)
      files.append(name)
      sections[s].plots.append((name, experiment.title, table.id))
    }
  }

  func writeDocument() throws(ReportError) {
    let document = ReportDocument(
      study: study, settings: settings, provenance: provenance, sections: sections, trainedSessions: trainedSessions)
    try output.write(document.markdown, to: "report.md")
  }
}

/// One row's contender: its name, step-size text, and its trace index in
/// the race (nil when it did not race, with the reason).
struct ContenderEntry {
  var name: String
  var stepText: String
  var trace: Int?
  var status: String? = nil
}

/// A section's results so far.
struct SectionOutput {
  let section: StudySection
  var tables: [ReportTable] = []
  /// Plots with the id of the table they illustrate.
  var plots: [(file: String, title: String, table: String)] = []
  var notes: [String] = []
  var isComplete = false

  init(section: StudySection) {
    self.section = section
  }
}
