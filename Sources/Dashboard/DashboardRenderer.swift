import Engine
import Rendering

/// Draws one whole frame into a ``Rendering/CellGrid``: a pure function of
/// the snapshot, the view state and the size, with no terminal involved —
/// which is what makes every screen testable as text.
public struct DashboardRenderer: Sendable {
  public var keyMap: KeyMap
  /// Shown at the right of the header (see ``DashboardOptions/banner``).
  public var banner: String?

  public init(keyMap: KeyMap = .standard, banner: String? = nil) {
    self.keyMap = keyMap
    self.banner = banner
  }

  /// The layout a frame of this size uses for `snapshot`.
  public func layout(for snapshot: Snapshot, width: Int, height: Int) -> DashboardLayout {
    let racers = max(snapshot.summaries.count, snapshot.race?.traces.count ?? 0)
    return DashboardLayout.make(width: width, height: height, racers: racers)
  }

  /// The frame at time `now` (seconds, for toasts).
  public func render(
    snapshot: Snapshot, state: DashboardState, width: Int, height: Int, now: Double = 0
  ) -> CellGrid {
    var grid = CellGrid(width: width, height: height)
    let look = Look(state: state)
    let layout = layout(for: snapshot, width: width, height: height)
    if layout.isTooSmall {
      SizeNotice(width: width, height: height, look: look).draw(into: &grid)
      return grid
    }
    grid.fill(grid.bounds, style: look.text)
    for (panel, rect) in layout.panels.sorted(by: { $0.key < $1.key }) where !rect.isEmpty {
      grid.withRegion(rect) { region in
        switch panel {
        case .loss:
          switch state.view {
          case .overview: LossPanel(snapshot: snapshot, state: state, look: look).draw(into: &region)
          case .sideBySide: SideBySidePanel(snapshot: snapshot, state: state, look: look).draw(into: &region)
          case .compare: ComparePanel(snapshot: snapshot, state: state, look: look).draw(into: &region)
          }
        case .table: ConvergencePanel(snapshot: snapshot, state: state, look: look).draw(into: &region)
        case .training:
          TrainingPanel(snapshot: snapshot, look: look, smoothing: state.smoothing).draw(into: &region)
        case .memory: MemoryPanel(snapshot: snapshot, look: look).draw(into: &region)
        }
      }
    }
    for separator in layout.separators {
      for y in separator.y..<separator.maxY {
        grid.put(look.verticalRule, at: Point(x: separator.x, y: y), style: look.border)
      }
    }
    if let header = layout.header {
      HeaderBar(snapshot: snapshot, banner: banner, dropped: layout.dropped, look: look)
        .draw(into: &grid, row: header.y)
    }
    if let status = layout.status {
      StatusBar(
        keyMap: keyMap, snapshot: snapshot, toast: state.activeToast(at: now, messages: snapshot.messages),
        look: look
      )
      .draw(into: &grid, row: status.y)
    }
    let screen = Rect(x: 0, y: 1, width: width, height: height - 2)
    switch state.overlay {
    case .none: break
    case .help(let offset):
      HelpOverlay(keyMap: keyMap, offset: offset, look: look).draw(into: &grid, screen: screen)
    case .picker(let selection):
      ProblemPicker(
        choices: snapshot.problemChoices, current: snapshot.problemName, selection: selection, look: look
      ).draw(into: &grid, screen: screen)
    }
    return grid
  }
}
