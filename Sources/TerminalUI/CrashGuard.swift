import CNcursesw

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Leaves full-screen mode before the process dies of a crash, so the shell
/// is usable afterwards.
///
/// A Swift `fatalError`, a force-unwrap of `nil` or a segmentation fault
/// would otherwise leave the terminal on the alternate screen with the
/// cursor hidden and echo off (checked in tmux: `alternate_on=1
/// cursor_flag=0`). The guard installs a handler for SIGSEGV, SIGBUS,
/// SIGILL, SIGTRAP, SIGABRT and SIGFPE (btop's `_crash_handler` shape) that
/// calls `endwin()` and then re-delivers the signal to whatever handler was
/// there before — normally Swift's backtracer, which then prints its report
/// on the restored screen.
///
/// `endwin` is not async-signal-safe in general; the process is dying
/// anyway, and restoring the terminal is worth the small risk, which is the
/// trade btop and nvtop make too.
public enum CrashGuard {
  /// The signals whose default action kills the process with a core dump.
  public static let crashSignals: [Int32] = [SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGABRT, SIGFPE]

  /// Installs the handlers (idempotent). Call before entering curses mode.
  public static func install() {
    guard !installed else { return }
    installed = true
    for signal in crashSignals {
      var action = sigaction()
      #if canImport(Glibc)
        action.__sigaction_handler.sa_handler = crashHandler
      #else
        action.__sigaction_u.__sa_handler = crashHandler
      #endif
      sigemptyset(&action.sa_mask)
      action.sa_flags = 0
      var previous = sigaction()
      sigaction(signal, &action, &previous)
      previousActions[Int(signal)] = previous
    }
  }

  /// Whether curses currently owns the screen; the ``Terminal`` sets this
  /// when it starts and clears it when it ends, so a crash after `endwin`
  /// does not call it twice.
  static var cursesActive: Bool {
    get { screenActive }
    set { screenActive = newValue }
  }
}

// Process-wide state shared with the signal handler. `nonisolated(unsafe)`
// is sound here: `previousActions` is filled once, on the UI thread, before
// any handler is installed, and only read afterwards (by the handler);
// `screenActive` is a plain flag written by the one UI thread and read by a
// handler that runs only when the process is already dying.
nonisolated(unsafe) private var installed = false
nonisolated(unsafe) private var screenActive = false
nonisolated(unsafe) private var previousActions: [sigaction] = Array(repeating: sigaction(), count: 65)

/// Restores the terminal, puts the previous disposition back and re-raises
/// the signal, which is blocked while this handler runs and so is delivered
/// to the previous handler as soon as this one returns.
private let crashHandler: @convention(c) (Int32) -> Void = { signal in
  if screenActive {
    screenActive = false
    endwin()
  }
  var previous = previousActions[Int(signal)]
  sigaction(signal, &previous, nil)
  raise(signal)
}
