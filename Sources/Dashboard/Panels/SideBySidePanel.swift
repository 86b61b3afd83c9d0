import Engine
import Foundation
import Rendering

/// Small multiples: one chart per visible racer on shared axes, so shapes
/// can be compared without curves hiding each other.
struct SideBySidePanel {
  var snapshot: Snapshot
  var state: DashboardState
  var look: Look

  func draw(into grid: inout CellGrid) {
    let visible = snapshot.racerLines(
      metric: state.metric, theme: look.theme, hidden: state.hiddenRacers, monochrome: look.monochrome
    )
    .filter { !$0.hidden }
    // On a linear loss axis one shared range is set by the largest value
    // (a slow or diverging racer), which draws every other curve flat along
    // the floor; so each chart then fits its own y range, and says so.
    let sharesY = state.logY
    grid.fill(grid.bounds, style: look.text)
    grid.drawTitleBar(
      "side by side · " + state.metric.title,
      // A note that the charts' y ranges differ goes last, where it is kept
      // longest, since reading them as comparable would mislead.
      info: (sharesY ? [Segment("shared axes", look.dim)] : [])
        + LossPanel.axisInfo(state: state, snapshot: snapshot, look: look)
        + (sharesY ? [] : [Segment("own y axes", look.bad)]),
      look: look)
    let body = Rect(x: 0, y: 1, width: grid.width, height: grid.height - 1)
    guard !visible.isEmpty else {
      grid.putCentered(
        lines: [(snapshot.race == nil ? "waiting for the first race…" : "all racers hidden", look.text)],
        in: body)
      return
    }
    let charts = visible.map { line -> LineChart in
      var chart = LossPanel.chart(
        [line.series(mark: look.divergedMark, timeAxis: state.timeAxis)], snapshot: snapshot, state: state,
        look: look)
      chart.title =
        line.label(mark: look.divergedMark)
        + (line.divergedAt.map { " diverged at t=\($0)" } ?? "")
      chart.legend = .hidden
      return chart
    }
    let columns = Self.columns(count: charts.count, width: body.width, height: body.height)
    SmallMultiples(charts: charts, columns: columns, sharesAxes: sharesY).draw(into: &grid, in: body)
  }

  /// Panels per row: as square-looking as the space allows (a cell is
  /// about twice as tall as wide), with each chart at least 24 columns
  /// wide and 6 rows tall where possible.
  static func columns(count: Int, width: Int, height: Int) -> Int {
    guard count > 1 else { return 1 }
    var best = 1
    var bestScore = Double.infinity
    for perRow in 1...count {
      let rows = (count + perRow - 1) / perRow
      let w = (width - (perRow - 1)) / perRow
      let h = height / rows
      guard w >= 16, h >= 5 else { continue }
      // Aspect of a panel in "square" units, ideal ≈ 2 columns per row.
      let aspect = Double(w) / Double(2 * h)
      let score = abs(log(aspect / 1.6)) + (w >= 24 ? 0 : 1)
      if score < bestScore {
        best = perRow
        bestScore = score
      }
    }
    return best
  }
}
