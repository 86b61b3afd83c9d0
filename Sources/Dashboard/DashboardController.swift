import Engine
import Rendering

/// The dashboard minus the terminal: turns keys into view changes and
/// engine commands, and renders frames.
///
/// It holds the view state and talks to the engine only through
/// ``Engine/EngineHandle`` — latest snapshot in, commands out — so tests
/// drive it with a fake engine and read frames as text. The terminal loop
/// (`runDashboard(engine:options:)`, in the executable) only feeds it keys and copies its
/// frames to the screen.
public struct DashboardController {
  public let engine: any EngineHandle
  public private(set) var state: DashboardState
  public let renderer: DashboardRenderer
  public let themes: ThemeLibrary
  /// Increases with every change of ``state``, so the loop knows when to
  /// redraw without comparing states.
  public private(set) var revision = 0
  /// The screen height of the last frame the loop drew (see
  /// ``frame(width:height:now:)``), so the help scrolls no further than
  /// its last page.
  public private(set) var screenHeight = 24
  /// How long a toast stays, in seconds.
  public static let toastDuration = 4.0

  /// A controller with the options' theme loaded and the starting display
  /// settings sent to the engine (`theme`, `logX`, `logY`), so a session
  /// remembers them.
  ///
  /// - Throws: the ``Rendering/ThemeError`` when the theme cannot be
  ///   loaded (the caller checks it before the screen changes, so the
  ///   message is readable).
  public init(
    engine: any EngineHandle, options: DashboardOptions, colorMode: ColorMode = .indexed256,
    keyMap: KeyMap = .standard
  ) throws(ThemeError) {
    self.engine = engine
    themes = ThemeLibrary(directory: options.themesDirectory)
    let loaded = try themes.load(options.theme)
    state = DashboardState(
      logX: options.logX, logY: options.logY, glyphs: options.glyphs, themeName: options.theme,
      theme: loaded.theme, monochrome: colorMode == .monochrome)
    renderer = DashboardRenderer(keyMap: keyMap, banner: options.banner)
    if let warning = loaded.warnings.first {
      state.toast = .init(
        text: warning.description, isError: true, expires: Self.toastDuration,
        lastEngineMessage: engine.latestSnapshot().messages.last)
    }
    engine.send(.setDisplay(key: "theme", value: options.theme))
    engine.send(.setDisplay(key: "logX", value: String(options.logX)))
    engine.send(.setDisplay(key: "logY", value: String(options.logY)))
  }

  public var keyMap: KeyMap { renderer.keyMap }

  /// The frame for a `width × height` screen at time `now`.
  public func render(width: Int, height: Int, now: Double = 0) -> CellGrid {
    renderer.render(snapshot: engine.latestSnapshot(), state: state, width: width, height: height, now: now)
  }

  /// The frame for `snapshot` on a `width × height` screen, remembering
  /// the size for the keys that depend on it (help scrolling).
  public mutating func frame(snapshot: Snapshot, width: Int, height: Int, now: Double) -> CellGrid {
    screenHeight = height
    return renderer.render(snapshot: snapshot, state: state, width: width, height: height, now: now)
  }

  /// Where keys go now.
  public var context: KeyBinding.Context {
    switch state.overlay {
    case .none: .main
    case .help: .help
    case .picker: .picker
    }
  }

  /// Handles one key at time `now`. Keys without a binding do nothing,
  /// except in the help, where any key closes it.
  public mutating func handle(_ key: Key, now: Double = 0) {
    if key == .resize {
      revision += 1
      return
    }
    if let action = keyMap.action(for: key, in: context) {
      perform(action, now: now)
    } else if context == .help {
      perform(.close, now: now)
    }
  }

  /// Performs `action`, sending whatever the engine must know.
  public mutating func perform(_ action: DashboardAction, now: Double = 0) {
    revision += 1
    let snapshot = engine.latestSnapshot()
    switch context {
    case .help: performInHelp(action)
    case .picker: performInPicker(action, snapshot: snapshot, now: now)
    case .main: performOnMain(action, snapshot: snapshot, now: now)
    }
  }

  private mutating func performInHelp(_ action: DashboardAction) {
    guard case .help(let offset) = state.overlay else { return }
    // The help box loses the header, status line and its own border.
    let limit = HelpOverlay.maxOffset(keyMap, visibleRows: max(1, screenHeight - 4))
    switch action {
    case .moveUp: state.overlay = .help(offset: max(0, offset - 1))
    case .moveDown: state.overlay = .help(offset: min(limit, offset + 1))
    case .pageUp: state.overlay = .help(offset: max(0, offset - 10))
    case .pageDown: state.overlay = .help(offset: min(limit, offset + 10))
    default: state.overlay = .none
    }
  }

  private mutating func performInPicker(_ action: DashboardAction, snapshot: Snapshot, now: Double) {
    guard case .picker(let selection) = state.overlay else { return }
    let count = snapshot.problemChoices.count
    switch action {
    case .moveUp: state.overlay = .picker(selection: count == 0 ? 0 : (selection - 1 + count) % count)
    case .moveDown: state.overlay = .picker(selection: count == 0 ? 0 : (selection + 1) % count)
    case .choose: choose(selection, snapshot: snapshot, now: now)
    case .chooseEntry(let index) where index < count: choose(index, snapshot: snapshot, now: now)
    case .close: state.overlay = .none
    default: break
    }
  }

  private mutating func choose(_ index: Int, snapshot: Snapshot, now: Double) {
    guard snapshot.problemChoices.indices.contains(index) else { return }
    let choice = snapshot.problemChoices[index]
    guard choice.available else {
      toast(
        "\(choice.name) is unavailable: \(choice.reason ?? "cannot be built here")", error: true, now: now)
      return
    }
    state.overlay = .none
    if choice.name == snapshot.problemName {
      toast("already on \(choice.name)", now: now)
      return
    }
    engine.send(.switchProblem(choice.name))
    toast("switching to \(choice.name)…", now: now)
  }

  private mutating func performOnMain(_ action: DashboardAction, snapshot: Snapshot, now: Double) {
    let racers = snapshot.race?.traces.map(\.name) ?? snapshot.summaries.map(\.name)
    switch action {
    case .toggleHelp: state.overlay = .help(offset: 0)
    case .quit: state.quitRequested = true
    case .redraw: break
    case .openProblemPicker:
      let current = snapshot.problemChoices.firstIndex { $0.name == snapshot.problemName } ?? 0
      state.overlay = .picker(selection: current)
    case .togglePause:
      let paused = snapshot.phase == .paused
      engine.send(paused ? .resume : .pause)
      toast(paused ? "resuming…" : "pausing…", now: now)
    case .restartRace:
      engine.send(.restartRace)
      toast("new race on fresh held-out instances…", now: now)
    case .saveSession:
      engine.send(.save)
      toast("saving the session…", now: now)
    case .toggleRacer(let index):
      guard racers.indices.contains(index) else {
        toast("no racer \(index + 1) (this race has \(racers.count))", error: true, now: now)
        return
      }
      let name = racers[index]
      if state.hiddenRacers.remove(name) == nil { state.hiddenRacers.insert(name) }
      toast("\(name) " + (state.hiddenRacers.contains(name) ? "hidden" : "shown"), now: now)
    case .showAllRacers:
      state.hiddenRacers.removeAll()
      toast("all racers shown", now: now)
    case .toggleSideBySide:
      state.view = state.view == .sideBySide ? .overview : .sideBySide
    case .toggleCompare:
      if state.view == .compare {
        state.view = .overview
      } else {
        state.view = .compare
        // Start with the two best-ranked racers.
        let ranked = snapshot.summaries.enumerated()
          .sorted { ($0.element.rank == 0 ? Int.max : $0.element.rank) < ($1.element.rank == 0 ? Int.max : $1.element.rank) }
          .map(\.offset)
        if ranked.count >= 2 {
          state.compareA = ranked[0]
          state.compareB = ranked[1]
        }
      }
    case .nextCompareA, .nextCompareB:
      guard state.view == .compare, racers.count >= 2 else {
        toast("a/b choose racers in compare mode (v)", now: now)
        return
      }
      let isA = action == .nextCompareA
      var next = ((isA ? state.compareA : state.compareB) + 1) % racers.count
      if next == (isA ? state.compareB : state.compareA) { next = (next + 1) % racers.count }
      if isA { state.compareA = next } else { state.compareB = next }
    case .toggleLogY:
      state.logY.toggle()
      engine.send(.setDisplay(key: "logY", value: String(state.logY)))
      toast("loss axis " + (state.logY ? "log" : "linear"), now: now)
    case .toggleLogX:
      state.logX.toggle()
      engine.send(.setDisplay(key: "logX", value: String(state.logX)))
      toast("step axis " + (state.logX ? "log" : "linear"), now: now)
    case .cycleMetric:
      state.metric = state.metric.next
      engine.send(.setDisplay(key: "metric", value: state.metric.rawValue))
      toast("plotting " + state.metric.title, now: now)
    case .cycleSmoothing:
      let levels = DashboardState.smoothingLevels
      let index = levels.firstIndex(of: state.smoothing) ?? 0
      state.smoothing = levels[(index + 1) % levels.count]
      engine.send(.setDisplay(key: "smoothing", value: String(state.smoothing)))
      toast(state.smoothing == 0 ? "meta-loss raw" : "meta-loss smoothing \(state.smoothing)", now: now)
    case .toggleTimeAxis:
      state.timeAxis.toggle()
      toast(state.timeAxis ? "x axis: wall time of the updates" : "x axis: steps", now: now)
    case .cycleGlyphs:
      let all = GlyphSet.allCases
      state.glyphs = all[((all.firstIndex(of: state.glyphs) ?? 0) + 1) % all.count]
      engine.send(.setDisplay(key: "glyphs", value: state.glyphs.rawValue))
      toast("glyphs: " + state.glyphs.rawValue, now: now)
    case .nextTheme: cycleTheme(by: 1, now: now)
    case .previousTheme: cycleTheme(by: -1, now: now)
    case .moveUp, .moveDown, .pageUp, .pageDown, .choose, .close, .chooseEntry:
      break
    }
  }

  /// Moves through the themes folder's names (a `--theme PATH` is left for
  /// the first name); a theme that fails to load is skipped with a toast.
  private mutating func cycleTheme(by step: Int, now: Double) {
    let names = themes.names()
    guard !names.isEmpty else { return }
    var index = names.firstIndex(of: state.themeName) ?? (step > 0 ? -1 : 0)
    for _ in 0..<names.count {
      index = ((index + step) % names.count + names.count) % names.count
      do {
        let loaded = try themes.load(names[index])
        state.theme = loaded.theme
        state.themeName = names[index]
        engine.send(.setDisplay(key: "theme", value: names[index]))
        toast("theme: \(names[index])", now: now)
        return
      } catch {
        toast("theme \(names[index]) skipped: \(error)", error: true, now: now)
      }
    }
  }

  private mutating func toast(_ text: String, error: Bool = false, now: Double) {
    state.toast = .init(
      text: text, isError: error, expires: now + Self.toastDuration,
      lastEngineMessage: engine.latestSnapshot().messages.last)
  }
}
