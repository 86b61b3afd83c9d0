/// A key press, as the terminal adapter reports it, independent of curses.
///
/// The dashboard's key map is written against this type, so its handling
/// can be tested without a terminal.
public enum Key: Hashable, Sendable, CustomStringConvertible {
  /// A printable character (including space).
  case character(Character)
  /// Ctrl plus a letter, e.g. `.control("l")` for Ctrl-L.
  case control(Character)
  case enter
  case escape
  case tab
  case backTab
  case backspace
  case delete
  case up
  case down
  case left
  case right
  case pageUp
  case pageDown
  case home
  case end
  /// F1 … F12.
  case function(Int)
  /// The terminal changed size (ncurses' `KEY_RESIZE`).
  case resize

  /// How the key is written in the help overlay and the status line.
  public var description: String {
    switch self {
    case .character(" "): "Space"
    case .character(let c): String(c)
    case .control(let c): "Ctrl-" + String(c).uppercased()
    case .enter: "Enter"
    case .escape: "Esc"
    case .tab: "Tab"
    case .backTab: "Shift-Tab"
    case .backspace: "Backspace"
    case .delete: "Del"
    case .up: "↑"
    case .down: "↓"
    case .left: "←"
    case .right: "→"
    case .pageUp: "PgUp"
    case .pageDown: "PgDn"
    case .home: "Home"
    case .end: "End"
    case .function(let n): "F\(n)"
    case .resize: "resize"
    }
  }
}
