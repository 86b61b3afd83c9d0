import ArgumentParser
import Dashboard
import Engine
import Evaluation
import Foundation
import Optimizees
import Rendering
import Sessions

/// `mnemo watch SESSION`: the dashboard on a session folder that another
/// process keeps writing.
struct WatchCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "watch",
    abstract: "Watch a session another process is training (read-only dashboard).",
    discussion: """
      Follows the session folder as a training run (`mnemo train`, or rank 0 of an MPI job on a shared \
      filesystem) saves it: meta-training curve, the latest race, the learned optimizer's memory. The \
      folder is reread when its files change. Nothing is written: pause and save belong to the training \
      process. Without a terminal (or with --headless) a plain log is printed instead.
      """)

  @Argument(help: "The session to watch: a name in the sessions folder, or a path to a session folder.")
  var session: String

  @Option(
    help: ArgumentHelp("The sessions folder (default: $MNEMO_SESSIONS, else ./sessions).", valueName: "dir"))
  var sessions: String?

  @Option(
    help: ArgumentHelp(
      "Colour theme: a name in themes/ or a .theme file (default: the session's, else default).",
      valueName: "name|path"))
  var theme: String?

  @Option(help: "Chart glyphs: braille, block or ascii.")
  var glyphs: GlyphSet = .braille

  @Option(help: "Seconds between checks of the session's files.")
  var interval: Double = 0.5

  @Flag(help: "Print a plain log instead of the full-screen dashboard.")
  var headless = false

  @Option(help: "With --headless: stop after this many seconds (default: run until Ctrl-C).")
  var duration: Double?

  @Option(
    help: ArgumentHelp("Directory holding the MNIST IDX files (for the memory panel).", valueName: "dir"))
  var mnist: String?

  func validate() throws {
    do { _ = try location() } catch { throw ValidationError(error.description) }
    guard interval.isFinite, (0.01...3600).contains(interval) else {
      throw ValidationError("--interval must be a number of seconds in 0.01…3600, got \(interval).")
    }
    try Limits.requireDuration("--duration", duration)
  }

  /// The watched session: a name in the sessions folder, or a path.
  func location() throws(SessionError) -> SessionLocation {
    try SessionLocation.resolve(
      session, sessionsDirectory: sessions.map { URL(fileURLWithPath: $0) } ?? SessionStore.defaultDirectory())
  }

  func run() throws {
    let location = try location()
    let store = location.store
    let session = location.name
    let watcher = SessionWatcher(store: store, session: session, mnistDirectory: mnist, interval: interval)
    defer {
      watcher.send(.quit)
      _ = watcher.waitUntilStopped(timeout: 5)
    }
    if let theme {
      do { _ = try ThemeLibrary(directory: DashboardOptions.defaultThemesDirectory()).load(theme) } catch {
        throw ValidationError(error.description)
      }
    }
    if headless || isatty(STDOUT_FILENO) == 0 { return runHeadless(watcher) }
    let rememberedTheme = (try? store.manifest(session))?.theme
    var options = DashboardOptions(
      theme: theme ?? rememberedTheme ?? "default",
      themesDirectory: DashboardOptions.defaultThemesDirectory(),
      glyphs: glyphs, banner: "watching \(session) (read-only)")
    if theme == nil, rememberedTheme != nil,
      (try? ThemeLibrary(directory: options.themesDirectory).load(options.theme)) == nil
    {
      options.theme = "default"
    }
    try runDashboard(engine: watcher, options: options)
  }

  /// The plain log: a progress line whenever the session changes, until
  /// --duration or Ctrl-C.
  private func runHeadless(_ watcher: SessionWatcher) {
    let interrupted = InterruptFlag()
    let start = Date()
    var printed = -1
    var lastMessageCount = 0
    while !interrupted.isSet {
      if let duration, Date().timeIntervalSince(start) >= duration { break }
      let snapshot = watcher.latestSnapshot()
      if snapshot.sequence != printed {
        printed = snapshot.sequence
        for message in snapshot.messages.suffix(max(0, snapshot.messages.count - lastMessageCount)) {
          print("• \(message)")
        }
        lastMessageCount = snapshot.messages.count
        ProgressLog.lines(for: snapshot).forEach { print($0) }
        fflush(nil)  // all output streams: the log may be piped
      }
      Thread.sleep(forTimeInterval: 0.1)
    }
  }
}
