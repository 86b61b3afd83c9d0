import Dashboard
import Engine
import Foundation
import Rendering
import TerminalUI

/// Runs the full-screen dashboard until the user quits, then restores the
/// terminal.
///
/// **Threads.** This function is the UI loop and the only code that calls
/// curses; run it on one thread (normally the main thread). The engine
/// works on its own threads and is reached only through `engine`: the
/// loop reads ``Engine/EngineHandle/latestSnapshot()`` (which never
/// blocks) and sends commands.
///
/// **Loop** (about `framesPerSecond` times a second): wait for a key up to
/// one frame interval, handle every key that is queued, and redraw when
/// the snapshot, the view state or the size changed (or once a second, for
/// clocks and toasts) — `werase`, draw, `wnoutrefresh`, one `doupdate`.
///
/// **Leaving.** `q` quits; Ctrl-C, SIGTERM and SIGHUP set a quit flag the
/// loop checks every frame. Either way the loop sends
/// ``Engine/EngineCommand/quit`` (save and stop) and restores the terminal
/// before returning. A crash restores it through ``TerminalUI/CrashGuard``.
///
/// - Throws: ``DashboardError/theme(_:)`` for a bad `--theme` (before the
///   screen changes); ``DashboardError/terminal(_:)`` when standard output
///   is not a terminal or `TERM` is unknown — the executable then prints
///   the plain progress log (``ProgressLog``) instead.
public func runDashboard(engine: any EngineHandle, options: DashboardOptions) throws(DashboardError) {
  // Check the theme before touching the terminal, so its errors print
  // normally.
  do {
    _ = try ThemeLibrary(directory: options.themesDirectory).load(options.theme)
  } catch {
    throw .theme(error)
  }
  let quitSignals = QuitSignals()
  defer { quitSignals.cancel() }
  CrashGuard.install()
  let terminal: Terminal
  do {
    terminal = try Terminal(environment: options.environment)
  } catch {
    throw .terminal(error)
  }
  defer { terminal.close() }
  var settings = options
  if !terminal.supportsUnicode { settings.glyphs = .ascii }
  var controller: DashboardController
  do {
    controller = try DashboardController(engine: engine, options: settings, colorMode: terminal.colorMode)
  } catch {
    throw .theme(error)
  }

  let frameMilliseconds = 1000 / min(60, max(1, options.framesPerSecond))
  let clock = ContinuousClock()
  let start = clock.now
  func now() -> Double {
    let elapsed = clock.now - start
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
  }
  var drawn: (sequence: Int, revision: Int, width: Int, height: Int, second: Int)?
  while !controller.state.quitRequested && quitSignals.received == nil {
    let snapshot = engine.latestSnapshot()
    terminal.updateSize()
    let (width, height) = terminal.size
    let t = now()
    let current = (snapshot.sequence, controller.revision, width, height, Int(t))
    if drawn.map({ $0 != current }) ?? true {
      terminal.draw(controller.frame(snapshot: snapshot, width: width, height: height, now: t))
      drawn = current
    }
    guard let key = terminal.readKey(timeoutMilliseconds: frameMilliseconds) else { continue }
    var pending: Key? = key
    while let next = pending {
      if next == .control("l") { terminal.repaintEverything() }
      controller.handle(next, now: now())
      pending = controller.state.quitRequested ? nil : terminal.readKey(timeoutMilliseconds: 0)
    }
  }
  engine.send(.quit)
}
