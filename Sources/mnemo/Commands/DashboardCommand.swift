import ArgumentParser
import Dashboard
import Engine
import Evaluation
import Foundation
import MetaLearning
import Optimizees
import Optimizers
import Rendering
import Sessions
import TerminalUI

/// `mnemo` / `mnemo dashboard`: the live dashboard over the background
/// engine, or its plain progress log when there is no terminal.
struct DashboardCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "dashboard",
    abstract: "Open the live dashboard (the default command).",
    discussion: """
      The engine meta-trains the LSTM optimizer on the selected problem class and re-races it \
      against the tuned baselines every few seconds; sessions are kept per class in the sessions \
      folder and resumed on the next start. When standard output is not a terminal, or with \
      --headless, a plain progress log and the final table are printed instead.
      """)

  @Option(help: "The problem class to start with (see `mnemo problems`).")
  var problem: String = "quadratic"

  @Option(help: "Meta-objective for new sessions: loss-sum, log-loss or rate.")
  var objective: MetaObjective = .lossSum

  @Option(help: ArgumentHelp("Colour theme: a name in themes/ or a .theme file (default: the session's, else default).", valueName: "name|path"))
  var theme: String?

  @Option(help: "Chart glyphs: braille, block or ascii.")
  var glyphs: GlyphSet = .braille

  @Flag(help: "Start with a logarithmic step axis.")
  var logX = false

  @Flag(help: "Race the hand-designed optimizers only: no meta-training, nothing saved.")
  var demo = false

  @Flag(help: "Print a plain progress log instead of the full-screen dashboard.")
  var headless = false

  @Option(help: "With --headless: stop after this many seconds (default: run until Ctrl-C).")
  var duration: Double?

  @Option(help: "Steps per race (and the training horizon of new sessions).")
  var steps: Int = 100

  @Option(help: "Held-out instances per race.")
  var instances: Int = 20

  @Option(
    help: """
      Seeds everything the run draws: the first race's held-out instances (each re-race adds one), \
      the baselines' tuning instances, and, for a new session, the learned optimizer's initial \
      weights and its meta-training problems.
      """)
  var seed: UInt64 = 0

  @Option(help: ArgumentHelp("The sessions folder (default: $MNEMO_SESSIONS, else ./sessions).", valueName: "dir"))
  var sessions: String?

  @Option(help: ArgumentHelp("Directory holding the MNIST IDX files.", valueName: "dir"))
  var mnist: String?

  func validate() throws {
    try Limits.require("--steps", steps, in: Limits.horizon)
    try Limits.require("--instances", instances, in: Limits.instances)
    try Limits.requireDuration("--duration", duration)
    let known = ProblemCatalog.summaries.map(\.name)
    guard known.contains(problem) else {
      throw ValidationError("unknown problem class '\(problem)'; valid: \(known.joined(separator: ", ")).")
    }
  }

  func run() throws {
    let directory = sessions.map { URL(fileURLWithPath: $0) } ?? SessionStore.defaultDirectory()
    let engineConfiguration = EngineConfiguration(
      problem: problem, learning: !demo, objective: objective, steps: steps,
      instances: instances, seed: seed, sessionsDirectory: directory, mnistDirectory: mnist)
    let source = SessionLocation.dashboard(store: SessionStore(directory: directory), name: problem).source
    let rememberedTheme = demo ? nil : (try? source.store.manifest(source.name))?.theme
    var options = DashboardOptions(
      theme: theme ?? rememberedTheme ?? "default", themesDirectory: DashboardOptions.defaultThemesDirectory(),
      glyphs: glyphs, logX: logX,
      banner: demo ? "demo: baselines only, no learned optimizer" : nil)
    if theme == nil, rememberedTheme != nil {
      // A remembered theme that has since been deleted is not worth failing over.
      if (try? ThemeLibrary(directory: options.themesDirectory).load(options.theme)) == nil { options.theme = "default" }
    }
    // A bad --theme fails here, before the engine starts: the engine saves
    // the session on its way out, and a command that fails must not write.
    do {
      _ = try ThemeLibrary(directory: options.themesDirectory).load(options.theme)
    } catch {
      throw ValidationError(error.description)
    }
    if headless || isatty(STDOUT_FILENO) == 0 {
      return runHeadless(LiveEngine(configuration: engineConfiguration))
    }
    let term = ProcessInfo.processInfo.environment["TERM"]
    if TerminalKind.lacksCursorAddressing(term: term) {
      printError("TERM=\(term ?? "") cannot address the cursor: printing the plain progress log instead.")
      return runHeadless(LiveEngine(configuration: engineConfiguration))
    }
    let engine = LiveEngine(configuration: engineConfiguration)
    do {
      try runDashboard(engine: engine, options: options)
    } catch {
      engine.send(.quit)
      _ = engine.waitUntilStopped(timeout: 30)
      throw error
    }
    printError(demo ? "stopping the engine…" : "saving the session and stopping the engine…")
    if !engine.waitUntilStopped(timeout: 60) {
      printError("the engine did not stop within a minute; its last save stands.")
    }
  }

  /// The plain log: progress lines every few seconds, the final table at the
  /// end (after --duration, Ctrl-C or SIGTERM); the engine saves on the way
  /// out.
  private func runHeadless(_ engine: LiveEngine) {
    let interrupted = InterruptFlag()
    let start = Date()
    var lastPrint = Date.distantPast
    var lastMessageCount = 0
    while !interrupted.isSet && !engine.hasStopped {
      if let duration, Date().timeIntervalSince(start) >= duration { break }
      Thread.sleep(forTimeInterval: 0.1)
      let snapshot = engine.latestSnapshot()
      for message in snapshot.messages.suffix(max(0, snapshot.messages.count - lastMessageCount)) {
        print("• \(message)")
      }
      lastMessageCount = snapshot.messages.count
      if Date().timeIntervalSince(lastPrint) >= 5 {
        lastPrint = Date()
        ProgressLog.lines(for: snapshot).forEach { print($0) }
        fflush(nil)  // all output streams: the log may be piped
      }
    }
    engine.send(.quit)
    _ = engine.waitUntilStopped(timeout: 60)
    let snapshot = engine.latestSnapshot()
    for message in snapshot.messages.suffix(max(0, snapshot.messages.count - lastMessageCount)) { print("• \(message)") }
    if let race = snapshot.race {
      print(RaceReport(result: race, tolerance: 1e-3).table(), terminator: "")
    }
  }
}
