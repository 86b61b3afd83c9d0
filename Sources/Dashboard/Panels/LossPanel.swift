import Engine
import Rendering

/// The main panel: every visible racer's curve on one chart.
///
/// The step axis is fixed to the race's length (0 … steps, or 1 … steps on
/// a log axis) so curves grow into a stable frame instead of rescaling at
/// every step. On a log loss axis, values ≤ 0 are drawn at the floor and
/// the title bar says how many (the chart's clamp note, in the `bad`
/// colour).
struct LossPanel {
  var snapshot: Snapshot
  var state: DashboardState
  var look: Look

  func draw(into grid: inout CellGrid) {
    let lines = snapshot.racerLines(
      metric: state.metric, theme: look.theme, hidden: state.hiddenRacers, monochrome: look.monochrome)
    let visible = lines.filter { !$0.hidden }
    let chart = LossPanel.chart(
      visible.map { $0.series(mark: look.divergedMark, timeAxis: state.timeAxis) }, snapshot: snapshot,
      state: state, look: look)
    chart.draw(into: &grid)
    let note = chart.clampReport.note
    var info = LossPanel.axisInfo(state: state, snapshot: snapshot, look: look)
    if !note.isEmpty { info.append(Segment(note, look.bad)) }
    grid.drawTitleBar("loss · " + state.metric.title, info: info, look: look)
    let body = Rect(x: 0, y: 1, width: grid.width, height: grid.height - 1)
    if snapshot.race == nil {
      grid.fill(body, style: look.text)
      grid.putCentered(
        lines: [(snapshot.activity, look.text), ("waiting for the first race…", look.dim)], in: body)
    } else if visible.isEmpty {
      grid.fill(body, style: look.text)
      grid.putCentered(
        lines: [("all \(lines.count) racers hidden", look.text), ("press 0 to show them", look.dim)], in: body
      )
    }
  }

  /// The chart for `series` with the view's axes and the race's step range.
  ///
  /// Against wall time the x axis is linear and fits the data (time starts
  /// at 0, which a log axis cannot show, and racers end at different times).
  static func chart(_ series: [Series], snapshot: Snapshot, state: DashboardState, look: Look) -> LineChart {
    LineChart(
      title: "", series: series, xAxis: state.logX && !state.timeAxis ? .log : .linear,
      yAxis: state.logY ? .log : .linear,
      xRange: state.timeAxis ? nil : stepRange(snapshot: snapshot, log: state.logX), legend: .auto,
      glyphs: look.glyphs, theme: look.theme)
  }

  /// 0 … steps (1 … steps on a log axis), or `nil` to fit the data.
  static func stepRange(snapshot: Snapshot, log: Bool) -> ClosedRange<Double>? {
    guard let steps = snapshot.race?.configuration.steps, steps >= 1 else { return nil }
    return (log ? 1 : 0)...Double(steps)
  }

  /// `step 45/100 · 20 instances · log y · lin x` for title bars.
  static func axisInfo(state: DashboardState, snapshot: Snapshot, look: Look) -> [Segment] {
    var info: [Segment] = []
    if let progress = snapshot.raceProgress {
      info.append(Segment("t \(progress.done)/\(progress.steps)", look.dim))
    }
    if let instances = snapshot.race?.configuration.instances {
      info.append(Segment("\(instances) instances", look.dim))
    }
    let x = state.timeAxis ? "x: update time (s)" : (state.logX ? "log" : "lin") + " x"
    info.append(Segment((state.logY ? "log" : "lin") + " y · " + x, look.axis))
    return info
  }
}
