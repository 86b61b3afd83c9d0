import Engine
import Rendering

/// Two racers head to head: their curves, and below them the ratio A/B of
/// the plotted value at every step, with a parity line at 1. Below 1, A is
/// ahead.
///
/// The ratio is undefined where B's value is 0 or either value is not
/// finite; those steps break the line, and the title says how many there
/// are instead of dropping them silently.
struct ComparePanel {
  var snapshot: Snapshot
  var state: DashboardState
  var look: Look

  /// A/B for each step both have: NaN where undefined.
  static func ratio(_ a: [Double], _ b: [Double]) -> (values: [Double], undefined: Int) {
    var undefined = 0
    let values = zip(a, b).map { x, y -> Double in
      guard x.isFinite, y.isFinite, y != 0 else {
        undefined += 1
        return .nan
      }
      return x / y
    }
    return (values, undefined)
  }

  func draw(into grid: inout CellGrid) {
    let lines = snapshot.racerLines(metric: state.metric, theme: look.theme, hidden: [])
    grid.fill(grid.bounds, style: look.text)
    guard lines.count >= 2, let pair = Self.pair(state: state, count: lines.count) else {
      grid.drawTitleBar("compare", look: look)
      grid.putCentered(
        lines: [("compare needs a race with two racers", look.text), ("press v to leave", look.dim)],
        in: Rect(x: 0, y: 1, width: grid.width, height: grid.height - 1))
      return
    }
    let (a, b) = (lines[pair.a], lines[pair.b])
    let ratio = Self.ratio(a.values, b.values)
    let body = Rect(x: 0, y: 1, width: grid.width, height: grid.height - 1)
    let curvesHeight = max(5, body.height * 3 / 5)
    let (top, bottom) = body.splitTop(curvesHeight)

    let curves = LossPanel.chart(
      [a.series(mark: look.divergedMark), b.series(mark: look.divergedMark)], snapshot: snapshot,
      state: state,
      look: look)
    curves.draw(into: &grid, in: Rect(x: top.x, y: top.y - 1, width: top.width, height: top.height + 1))

    var ratioChart = LossPanel.chart(
      [
        Series(name: "", values: Array(repeating: 1.0, count: ratio.values.count), color: look.theme.axis),
        Series(name: "\(a.name) / \(b.name)", values: ratio.values, color: look.theme.title),
      ], snapshot: snapshot, state: state, look: look)
    ratioChart.title = "ratio \(a.name)/\(b.name) (< 1: \(a.name) ahead)"
    ratioChart.marksDivergence = false
    ratioChart.legend = .hidden
    if !bottom.isEmpty { ratioChart.draw(into: &grid, in: bottom) }
    if ratio.undefined > 0, bottom.height > 0 {
      let note = "undefined at \(ratio.undefined) step" + (ratio.undefined == 1 ? "" : "s")
      grid.put(
        text: note, at: Point(x: max(0, grid.width - note.count), y: bottom.y), style: look.bad,
        maxWidth: grid.width)
    }

    var info = [Segment("a/b: change", look.dim)]
    let note = curves.clampReport.note
    if !note.isEmpty { info.append(Segment(note, look.bad)) }
    grid.drawTitleBar("compare · A \(a.name) vs B \(b.name)", info: info, look: look)
  }

  /// The two racer indices, made valid and distinct for `count` racers.
  static func pair(state: DashboardState, count: Int) -> (a: Int, b: Int)? {
    guard count >= 2 else { return nil }
    let a = min(max(0, state.compareA), count - 1)
    var b = min(max(0, state.compareB), count - 1)
    if b == a { b = (a + 1) % count }
    return (a, b)
  }
}
