import Engine
import Rendering

/// Meta-training progress: architecture and objective in the title, the
/// iteration, speed and elapsed time, and the meta-loss curve with the
/// validation losses over it.
///
/// The loss axis is logarithmic when every value is positive and linear
/// otherwise (a log-loss objective is negative once the loss drops below
/// 1), so no value is ever clamped here.
struct TrainingPanel {
  var snapshot: Snapshot
  var look: Look

  /// Whether the run has a learned optimizer at all (the demo does not).
  var hasLearnedOptimizer: Bool {
    let architecture = snapshot.training.architecture
    return !architecture.isEmpty && architecture != "none"
  }

  /// `it 1,234 · 3.2 it/s · 12:34`.
  var statsLine: String {
    let t = snapshot.training
    var parts = ["it " + NumberFormat.count(t.iteration)]
    parts.append(
      NumberFormat.fixed(t.iterationsPerSecond, decimals: t.iterationsPerSecond < 10 ? 2 : 1) + " it/s")
    parts.append(NumberFormat.duration(t.elapsedSeconds))
    if let last = t.metaLosses.last { parts.append("meta " + NumberFormat.value(last)) }
    if let validation = t.validationLosses.last { parts.append("val " + NumberFormat.value(validation)) }
    return parts.joined(separator: " · ")
  }

  func draw(into grid: inout CellGrid) {
    grid.fill(grid.bounds, style: look.text)
    let t = snapshot.training
    let body = Rect(x: 0, y: 1, width: grid.width, height: grid.height - 1)
    guard hasLearnedOptimizer else {
      grid.drawTitleBar("meta-training", look: look)
      grid.putCentered(
        lines: [("no learned optimizer in this run", look.text), ("meta-training is off", look.dim)], in: body
      )
      return
    }
    grid.drawTitleBar(
      "meta-training · \(t.architecture)", info: [Segment("objective \(t.objective)", look.dim)], look: look)
    guard !t.metaLosses.isEmpty else {
      grid.putCentered(
        lines: [(statsLine, look.text), ("waiting for the first meta-iteration…", look.dim)], in: body)
      return
    }
    let values = t.metaLosses + t.validationLosses
    let positive = values.allSatisfy { !$0.isFinite || $0 > 0 }
    var series = [
      Series(
        name: "meta-loss", xs: t.iterations.map(Double.init), ys: t.metaLosses,
        color: look.theme.racerColor(0))
    ]
    if !t.validationLosses.isEmpty {
      series.append(
        Series(
          name: "validation", xs: t.validationIterations.map(Double.init), ys: t.validationLosses,
          color: look.theme.good))
    }
    let chart = LineChart(
      title: "", series: series, xAxis: .linear, yAxis: positive ? .log : .linear, legend: .auto,
      glyphs: look.glyphs, theme: look.theme)
    chart.draw(into: &grid, in: body)
    grid.fill(Rect(x: 0, y: 1, width: min(grid.width, statsLine.count + 1), height: 1), style: look.text)
    grid.put(text: statsLine, at: Point(x: 0, y: 1), style: look.text, maxWidth: grid.width)
  }
}
