import Rendering

/// Everything the user has chosen about the view — never engine data,
/// which arrives fresh in every ``Engine/Snapshot``.
///
/// A value: the controller changes it in response to actions and the
/// renderer reads it, so a frame is a pure function of (snapshot, state,
/// size).
public struct DashboardState: Sendable, Equatable {
  /// What the main panel shows.
  public enum View: Sendable, Equatable {
    /// All visible racers on one chart.
    case overview
    /// One small chart per visible racer, on shared axes.
    case sideBySide
    /// Two racers (``DashboardState/compareA`` and `compareB`) and their
    /// ratio.
    case compare
  }

  /// A window over the panels.
  public enum Overlay: Sendable, Equatable {
    case none
    /// The key help, scrolled by `offset` lines.
    case help(offset: Int)
    /// The problem picker, with the highlighted entry.
    case picker(selection: Int)
  }

  /// A short-lived note in the status line (a theme change, an error).
  public struct Toast: Sendable, Equatable {
    public var text: String
    public var isError: Bool
    /// Shown until this time (seconds, the controller's clock).
    public var expires: Double
    /// The engine's last message when the toast was made: once the engine
    /// says something newer (e.g. the reply to "save"), that wins.
    public var lastEngineMessage: String?
  }

  public var view: View = .overview
  public var overlay: Overlay = .none
  /// Racers hidden by name, so the choice survives a new race of the same
  /// optimizers.
  public var hiddenRacers: Set<String> = []
  /// Race indices of the two racers in compare mode.
  public var compareA = 0
  public var compareB = 1
  public var logX: Bool
  public var logY: Bool
  public var metric: CurveMetric = .meanLoss
  /// The meta-loss curve's EMA weight (TensorBoard's smoothing slider): 0
  /// draws the raw curve alone; above 0 the smoothed curve is drawn over the
  /// raw one, which stays faint behind it. `e` steps through
  /// ``smoothingLevels``.
  public var smoothing: Double = 0.9
  /// What `e` cycles through.
  public static let smoothingLevels: [Double] = [0, 0.6, 0.9, 0.99]
  /// The loss chart's x axis: steps, or the cumulative wall time of each
  /// racer's updates, which shows what a learned rule's steps cost (`X`).
  public var timeAxis = false
  public var glyphs: GlyphSet
  /// The theme as named to the engine (`--theme` argument or a name from
  /// the themes folder).
  public var themeName: String
  public var theme: Theme
  /// Whether the terminal shows no colour (`NO_COLOR`, mono terminals):
  /// attributes then carry what colour would.
  public var monochrome: Bool
  public var toast: Toast?
  /// Set by the quit action; the loop then sends `quit` and ends.
  public var quitRequested = false

  public init(
    logX: Bool = false, logY: Bool = true, glyphs: GlyphSet = .braille, themeName: String = "default",
    theme: Theme = .default, monochrome: Bool = false
  ) {
    self.logX = logX
    self.logY = logY
    self.glyphs = glyphs
    self.themeName = themeName
    self.theme = theme
    self.monochrome = monochrome
  }

  /// The toast to show at time `now` with the engine's `messages`: none
  /// once it has expired or the engine has a newer message.
  public func activeToast(at now: Double, messages: [String] = []) -> Toast? {
    guard let toast, toast.expires > now, messages.last == toast.lastEngineMessage else { return nil }
    return toast
  }
}
