import Rendering


/// Every key the dashboard understands, in one table.
///
/// The help overlay and the status line are generated from this table (as
/// wandb's LEET does from its `keybindings.go`), so what the screen says a
/// key does is what the key does.
public struct KeyMap: Sendable, Equatable {
  public var bindings: [KeyBinding]

  public init(bindings: [KeyBinding]) {
    self.bindings = bindings
  }

  /// The action of `key` in `context`, or `nil` if it has none there.
  public func action(for key: Key, in context: KeyBinding.Context) -> DashboardAction? {
    for binding in bindings where binding.context == context {
      if let index = binding.keys.firstIndex(of: key) { return binding.actions[index] }
    }
    return nil
  }

  /// The bindings of `group`, in table order.
  public func bindings(in group: KeyBinding.Group) -> [KeyBinding] {
    bindings.filter { $0.group == group }
  }

  /// The main-screen bindings that have a status-line label, in table
  /// order.
  public var statusBindings: [KeyBinding] {
    bindings.filter { $0.context == .main && $0.statusLabel != nil }
  }

  private static func digits(_ range: ClosedRange<Int>) -> [Key] {
    range.map { .character(Character(String($0))) }
  }

  /// The dashboard's keys.
  public static let standard = KeyMap(bindings: [
    // Race.
    KeyBinding(
      [.character("c")], .openProblemPicker, group: .race,
      help: "pick the problem class to meta-train and race", status: "problem", priority: 2),
    KeyBinding(
      [.character(" "), .character("p")], .togglePause, group: .race,
      help: "pause / resume the engine", status: "pause", priority: 3),
    KeyBinding(
      [.character("r")], .restartRace, group: .race,
      help: "race again on new held-out instances (a new seed)", status: "restart", priority: 8),
    KeyBinding(
      digits(1...9), actions: (0..<9).map { .toggleRacer($0) }, group: .race, keyLabel: "1–9",
      help: "show / hide racer 1–9 (its curve and legend entry)", status: "racers",
      priority: 4),
    KeyBinding(
      [.character("0")], .showAllRacers, group: .race, help: "show every racer again"),
    KeyBinding(
      [.character("w")], .saveSession, group: .race,
      help: "save the session now (it is also saved on quit)", status: "save", priority: 9),
    // View.
    KeyBinding(
      [.character("s")], .toggleSideBySide, group: .view,
      help: "side by side: one small chart per racer, shared axes", status: "side", priority: 5),
    KeyBinding(
      [.character("v")], .toggleCompare, group: .view,
      help: "compare two racers: their curves and the ratio A/B", status: "compare", priority: 6),
    KeyBinding(
      [.character("a")], .nextCompareA, group: .view, help: "compare mode: next racer as A"),
    KeyBinding(
      [.character("b")], .nextCompareB, group: .view, help: "compare mode: next racer as B"),
    KeyBinding(
      [.character("y")], .toggleLogY, group: .view,
      help: "loss axis: log / linear (values ≤ 0 are clamped and flagged)", status: "log-y", priority: 7),
    KeyBinding(
      [.character("x")], .toggleLogX, group: .view, help: "step axis: log / linear", status: "log-x",
      priority: 10),
    KeyBinding(
      [.character("m")], .cycleMetric, group: .view,
      help: "plotted value: mean loss / geometric-mean loss / error f − f*"),
    KeyBinding(
      [.character("X")], .toggleTimeAxis, group: .view,
      help: "x axis: steps / wall-clock time of the updates (cost)"),
    KeyBinding(
      [.character("e")], .cycleSmoothing, group: .view,
      help: "meta-loss smoothing (EMA): 0 / 0.6 / 0.9 / 0.99"),
    KeyBinding(
      [.character("g")], .cycleGlyphs, group: .view,
      help: "chart glyphs: braille / blocks / ASCII (if braille looks wrong)"),
    KeyBinding(
      [.character("t")], .nextTheme, group: .view, help: "next colour theme", status: "theme",
      priority: 11),
    KeyBinding(
      [.character("T")], .previousTheme, group: .view, help: "previous colour theme"),
    // General.
    KeyBinding(
      [.character("?"), .character("h"), .function(1)], .toggleHelp, group: .general,
      help: "this help", status: "help", priority: 0),
    KeyBinding(
      [.control("l")], .redraw, group: .general, help: "redraw the whole screen"),
    KeyBinding(
      [.character("q")], .quit, group: .general,
      help: "save and quit (Ctrl-C does the same)", status: "quit", priority: 1),
    // Help overlay.
    KeyBinding(
      [.up, .character("k")], .moveUp, context: .help, group: .help, help: "scroll up"),
    KeyBinding(
      [.down, .character("j")], .moveDown, context: .help, group: .help, help: "scroll down"),
    KeyBinding(
      [.pageUp], .pageUp, context: .help, group: .help, help: "page up"),
    KeyBinding(
      [.pageDown, .character(" ")], .pageDown, context: .help, group: .help, help: "page down"),
    KeyBinding(
      [.escape, .character("?"), .character("h"), .function(1), .character("q"), .enter], .close,
      context: .help, group: .help, help: "close the help"),
    // Problem picker.
    KeyBinding(
      [.up, .character("k")], .moveUp, context: .picker, group: .picker, help: "previous class"),
    KeyBinding(
      [.down, .character("j")], .moveDown, context: .picker, group: .picker, help: "next class"),
    KeyBinding(
      [.enter], .choose, context: .picker, group: .picker, help: "switch to the highlighted class"),
    KeyBinding(
      digits(1...9), actions: (0..<9).map { .chooseEntry($0) }, context: .picker, group: .picker,
      keyLabel: "1–9", help: "switch to class 1–9 of the list"),
    KeyBinding(
      [.escape, .character("c"), .character("q")], .close, context: .picker, group: .picker,
      help: "close without switching"),
  ])
}
