/// Something the user asks of the dashboard, independent of which key was
/// pressed: the key map turns keys into actions, the controller turns
/// actions into view changes and engine commands.
public enum DashboardAction: Hashable, Sendable {
  case toggleHelp
  case quit
  case redraw
  case openProblemPicker
  case togglePause
  case restartRace
  case saveSession
  /// Show or hide racer `index` (0-based, race order).
  case toggleRacer(Int)
  case showAllRacers
  case toggleSideBySide
  case toggleCompare
  /// In compare mode: the next racer as A, or as B.
  case nextCompareA
  case nextCompareB
  case toggleLogY
  case toggleLogX
  case cycleMetric
  /// The next meta-loss smoothing level.
  case cycleSmoothing
  /// The loss chart's x axis: steps / wall-clock time.
  case toggleTimeAxis
  case cycleGlyphs
  case nextTheme
  case previousTheme
  // Inside an overlay (help, problem picker).
  case moveUp
  case moveDown
  case pageUp
  case pageDown
  case choose
  case close
  /// In the picker: choose entry `index` directly.
  case chooseEntry(Int)
}
