import Rendering
import TerminalUI

/// Why the dashboard could not run; the description says what to do.
public enum DashboardError: Error, Equatable, Sendable, CustomStringConvertible {
  /// The terminal could not be used (not a TTY, unknown `TERM`). The
  /// executable falls back to the plain progress log for ``TerminalError/notATerminal``.
  case terminal(TerminalError)
  /// The `--theme` argument names no theme, or the file is malformed.
  case theme(ThemeError)

  public var description: String {
    switch self {
    case .terminal(let error): "cannot start the dashboard: \(error)"
    case .theme(let error): "cannot use the theme: \(error)"
    }
  }
}
