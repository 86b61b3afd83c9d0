import ArgumentParser
import Evaluation
import Foundation
import MetaLearning
import Optimizees
import Optimizers
import Sessions

/// `mnemo race`: optimizers in lockstep on held-out instances of a problem
/// class, with per-step curves and convergence-rate estimates.
struct RaceCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "race",
    abstract: "Race optimizers on held-out instances of a problem class.",
    discussion: """
      Every optimizer starts from the same θ₀ on the same instances (fixed seeds) and steps in \
      lockstep. Results go to standard output, progress to standard error. Learning rates come \
      from --tune (a grid search on separate tuning instances, then cached), else from the cache \
      of an earlier --tune, else from each optimizer's default; name one explicitly as adam@0.01.
      """)

  @OptionGroup var problemOptions: ProblemOptions

  @Option(
    help: ArgumentHelp(
      "Comma-separated optimizers, each optionally with a learning rate (adam@0.01). Default: all that apply.",
      valueName: "list"))
  var optimizers: String?

  @Option(help: "Add the learned optimizer of this saved session to the race (a name in the sessions folder, or a path to a session folder). Repeat it to race several learned optimizers, each named by its session and paired with the first.")
  var session: [String] = []

  @Option(help: ArgumentHelp("The sessions folder (default: $MNEMO_SESSIONS, else ./sessions).", valueName: "dir"))
  var sessions: String?

  @Option(help: "Optimizer steps per instance (may exceed the session's training horizon).")
  var steps: Int = 100

  @Option(help: "Held-out problem instances.")
  var instances: Int = 100

  @Option(help: "The run seed (instances, minibatches).")
  var seed: UInt64 = 0

  @Flag(help: "Tune learning rates on a log grid (1e-4 … 1) on separate instances, and cache them.")
  var tune = false

  @Option(help: "Instances per candidate rate when tuning.")
  var tuneInstances: Int = 20

  @Option(help: "Relative error e_t/e_0 at which a racer counts as converged (steps-to-tolerance column).")
  var tolerance: Double = 1e-3

  @Flag(help: "With the table format: also print the mean over instances of (f − r)/r at the last step.")
  var relativeErrors = false

  @Flag(
    help: "With --format json: record a DNC racer's memory, usage, write and read weightings after every step (first instance).")
  var dncMemory = false

  @Flag(
    help: "With a DNC session (the first --session): also race it with its read words held at zero (the memory written, never read), to measure what the memory adds.")
  var ablateMemory = false

  @Option(
    help: ArgumentHelp(
      "\(RaceCommand.dataClasses): also evaluate every racer's final networks on this data split (test or train): mean loss and accuracy with 95 % bootstrap intervals over the instances (table and json formats).",
      valueName: "split"))
  var evaluate: EvaluationSplit?

  @Option(help: "With --evaluate: images of the split per instance (default: all of them).")
  var evaluationExamples: Int?

  @Option(help: "Output format: table, csv or json.")
  var format: OutputFormat = .table

  @Flag(help: "No progress on standard error.")
  var quiet = false

  @Option(
    name: .customLong("guard"),
    help: ArgumentHelp(
      "Also race the (first) session's optimizer with a loss guard that hands over to this rule (e.g. adam@0.0316) when its smoothed loss rises above its best by --guard-tolerance.",
      valueName: "rule"))
  var guardRule: String?

  @Option(help: "With --guard: the relative rise of the smoothed loss that trips the guard.")
  var guardTolerance: Float = 0.5

  func validate() throws {
    try Limits.require("--steps", steps, in: Limits.raceSteps)
    try Limits.require("--instances", instances, in: Limits.instances)
    try Limits.require("--tune-instances", tuneInstances, in: Limits.instances)
    for session in session {
      do { _ = try SessionLocation.resolve(session, sessionsDirectory: sessionsDirectory) } catch {
        throw ValidationError(error.description)
      }
    }
    guard tolerance > 0, tolerance < 1 else { throw ValidationError("--tolerance must lie in (0, 1).") }
    guard guardTolerance > 0, guardTolerance.isFinite else { throw ValidationError("--guard-tolerance must be positive.") }
    if evaluate != nil, format == .csv {
      throw ValidationError("--evaluate adds a second table, which the table and json formats carry; csv holds only the curves.")
    }
    if let evaluationExamples, evaluationExamples < 1 {
      throw ValidationError("--evaluation-examples must be at least 1.")
    }
    if evaluationExamples != nil, evaluate == nil {
      throw ValidationError("--evaluation-examples applies with --evaluate test (or train).")
    }
    if dncMemory, format != .json {
      throw ValidationError("--dnc-memory writes per-step memory records, which only --format json carries.")
    }
    if ablateMemory, session.isEmpty {
      throw ValidationError("--ablate-memory races a session's DNC without its reads: name one with --session.")
    }
    if guardRule != nil, session.isEmpty {
      throw ValidationError("--guard guards a learned optimizer: name one with --session.")
    }
    if let guardRule {
      do { _ = try OptimizerConfiguration.parse(guardRule) } catch {
        throw ValidationError("--guard: \(error) (expected a rule such as adam@0.0316).")
      }
    }
  }

  /// The classes `--evaluate` applies to (those trained on a data set), for
  /// the help and the error: "mnist-mlp or mnist-cnn".
  static var dataClasses: String {
    let names = ProblemCatalog.profiles.filter(\.needsMNIST).map(\.name)
    guard let last = names.last, names.count > 1 else { return names.joined() }
    return names.dropLast().joined(separator: ", ") + " or " + last
  }

  /// The sessions folder of plain `--session` names.
  var sessionsDirectory: URL {
    sessions.map { URL(fileURLWithPath: $0) } ?? SessionStore.defaultDirectory()
  }

  func run() throws {
    let everySaved = try session.map { try SessionLocation.resolve($0, sessionsDirectory: sessionsDirectory).load() }
    // The first session sets the problem's options and the tuned rates,
    // and is the one --ablate-memory and --guard act on.
    let saved = everySaved.first
    let problemClass: any ProblemClass
    do {
      problemClass = try problemOptions.makeClass(session: saved?.manifest)
    } catch {
      // The options may be the session's: name the file they came from.
      guard let saved else { throw error }
      throw ValidationError("\(saved.path(of: "session.json")): problem: \(error)")
    }
    for saved in everySaved where saved.manifest.problem.configurationKey != problemClass.configurationKey && !quiet {
      printError(
        "note: session \(saved.manifest.name) was trained on \(saved.manifest.problem.configurationKey); "
          + "racing it on \(problemClass.configurationKey) tests generalisation.")
    }
    try Limits.requireMemory(problemClass, count: instances, option: "--instances")
    if tune { try Limits.requireMemory(problemClass, count: tuneInstances, option: "--tune-instances") }
    // One session: its racer keeps the architecture's name; several: each
    // is named by its session, which must then differ (checked before any tuning).
    let namedBySession = everySaved.count > 1
    if namedBySession, Set(everySaved.map(\.manifest.name)).count < everySaved.count {
      throw ValidationError("--session: two of the sessions have the same name; race sessions of different names.")
    }
    let selection = try RacerSelection(list: optimizers, composite: problemClass.profile.isComposite)
    var racers = try selection.racers(
      problemClass: problemClass, steps: steps, tune: tune,
      tuner: LearningRateTuner(instances: tuneInstances, seed: seed), quiet: quiet,
      sessionRates: saved?.manifest.tunedLearningRates ?? [:])
    var learnedRacers: [Racer] = []
    for saved in everySaved {
      do {
        learnedRacers.append(
          try saved.learnedRacer(name: namedBySession ? saved.manifest.name : nil, on: problemClass))
      } catch let error as LISTAError {
        throw ValidationError(error.description)
      }
    }
    racers += learnedRacers
    if let saved, let learned = learnedRacers.first {
      if ablateMemory {
        guard let ablated = try saved.memoryAblationRacer(name: learned.name) else {
          let architecture = saved.manifest.optimizer["architecture"] ?? "?"
          throw ValidationError(
            "--ablate-memory: session \(saved.manifest.name) holds an optimizer of architecture \(architecture), which has no memory; name a DNC session (trained with --architecture dnc).")
        }
        racers.append(ablated)
      }
      if let guardRule {
        racers.append(learned.guarded(by: try OptimizerConfiguration.parse(guardRule), tolerance: guardTolerance))
      }
    }
    let configuration = RaceConfiguration(steps: steps, instances: instances, seed: seed)
    if evaluate != nil, problemClass.profile.dataSet == nil {
      throw ValidationError("--evaluate needs a network trained on data: use it with --problem \(Self.dataClasses).")
    }
    var run = RaceRun(
      problemClass: problemClass, racers: racers, configuration: configuration,
      keepingFinalParameters: evaluate != nil, recordingDNCMemory: dncMemory)
    var progress = Progress(label: "race \(problemClass.name)", quiet: quiet)
    let result = run.run { progress.update($0, of: steps + 1) }
    progress.finish()
    let report = RaceReport(result: result, tolerance: tolerance)
    let evaluation = evaluate.flatMap {
      SplitEvaluation(
        result: result, instances: run.instances, split: $0.split, examples: evaluationExamples)
    }
    switch format {
    case .table:
      print(report.table(), terminator: "")
      let paired = report.pairedTable()
      if !paired.isEmpty { print("\n" + paired, terminator: "") }
      if learnedRacers.count > 1, let first = learnedRacers.first {
        print("\n" + report.headToHeadTable(reference: first.name), terminator: "")
      }
      if let evaluation { print("\n" + evaluation.markdown, terminator: "") }
      if relativeErrors {
        let table = RelativeErrorTable(result: result, checkpoints: [steps])
        print("mean relative error (f − r)/r over the instances:\n" + table.markdown, terminator: "")
      }
    case .csv: print(report.csv(), terminator: "")
    case .json:
      if let evaluation {
        print("{\"race\": \(report.json()), \"evaluation\": \(evaluation.json)}")
      } else {
        print(report.json())
      }
    }
  }
}

/// The data splits `mnemo race --evaluate` takes.
enum EvaluationSplit: String, ExpressibleByArgument, CaseIterable {
  case test, train

  var split: DataSplit { self == .test ? .test : .train }
}
