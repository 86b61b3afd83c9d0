/// Why the full-screen terminal could not be started, phrased so the user
/// knows what to do next.
public enum TerminalError: Error, Equatable, Sendable, CustomStringConvertible {
  /// Standard input or output is not a terminal (piped, redirected, a CI
  /// log).
  case notATerminal
  /// `TERM` names a terminal type with no terminfo entry here (ncurses'
  /// `newterm` returned NULL), or is unset.
  case unknownTerminal(term: String?)

  public var description: String {
    switch self {
    case .notATerminal:
      return "the dashboard needs a terminal, but standard input or output is redirected; "
        + "run it in a terminal, or use the plain progress log (--headless, or `mnemo race`)"
    case .unknownTerminal(let term?):
      return "TERM=\"\(term)\" is not a terminal type this system knows (no terminfo entry); "
        + "set TERM to one that exists (e.g. TERM=xterm-256color), install its entry "
        + "(Debian: apt install ncurses-term), or use --headless"
    case .unknownTerminal(nil):
      return "TERM is not set, so the terminal type is unknown; set it (e.g. TERM=xterm-256color) "
        + "or use --headless"
    }
  }
}

/// What a terminal type can do, decided from `TERM` before curses starts.
public enum TerminalKind {
  /// Terminal types without cursor addressing, on which a full-screen
  /// program draws nothing useful: `dumb` (Emacs' shell buffers, some CI
  /// runners and IDE consoles) and `unknown`. Their terminfo entries exist,
  /// so curses starts and draws a blank screen with a status line; the plain
  /// progress log is what such a terminal can show.
  public static let withoutCursorAddressing: Set<String> = ["dumb", "unknown"]

  /// Whether `term` names a terminal the dashboard cannot draw on.
  public static func lacksCursorAddressing(term: String?) -> Bool {
    guard let term, !term.isEmpty else { return false }
    return withoutCursorAddressing.contains(term.lowercased())
  }
}
