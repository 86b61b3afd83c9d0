import Engine
import Foundation
import Rendering

/// Meta-training progress: architecture and objective in the title, the
/// iteration, speed and elapsed time, and the meta-loss curve with the
/// validation losses over it.
///
/// The loss axis is logarithmic when every value is positive and linear
/// otherwise (a log-loss objective is negative once the loss drops below
/// 1), so no value is ever clamped here.
///
/// The meta-loss is noisy (each point one meta-batch), so it is drawn as an
/// exponential moving average with TensorBoard's debiasing, over the raw
/// curve in a faint colour; `e` changes the weight (0: raw only).
struct TrainingPanel {
  var snapshot: Snapshot
  var look: Look
  var smoothing: Double = 0.9

  /// The debiased EMA of `values` (TensorBoard's smoothing): s_t = w·s_{t−1}
  /// + (1 − w)·x_t from s = 0, divided by 1 − w^t so the start is not pulled
  /// to 0. Non-finite values are passed through and skipped by the average.
  static func smoothed(_ values: [Double], weight: Double) -> [Double] {
    guard weight > 0 else { return values }
    var last = 0.0
    var count = 0
    return values.map { value in
      guard value.isFinite else { return value }
      count += 1
      last = weight * last + (1 - weight) * value
      return last / (1 - pow(weight, Double(count)))
    }
  }

  /// Whether the run has a learned optimizer at all (the demo does not).
  var hasLearnedOptimizer: Bool {
    snapshot.training.architecture != nil
  }

  /// The stats line's parts that fit in `width`, whole, most important
  /// first: a part that does not fit is left out, never cut mid-word.
  func statsLine(width: Int) -> String {
    let parts = statsLine.components(separatedBy: " · ")
    return String.wrapping(parts, separator: " · ", width: width).first ?? ""
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
      "meta-training · \(t.architecture?.rawValue ?? "none")", info: [Segment("objective \(t.objective)", look.dim)], look: look)
    guard !t.metaLosses.isEmpty else {
      grid.putCentered(
        lines: [(statsLine(width: grid.width), look.text), ("waiting for the first meta-iteration…", look.dim)],
        in: body)
      return
    }
    let values = t.metaLosses + t.validationLosses
    let positive = values.allSatisfy { !$0.isFinite || $0 > 0 }
    let iterations = t.iterations.map(Double.init)
    var series: [Series] = []
    if smoothing > 0 {
      // The raw curve first, so the smoothed one is drawn over it; unnamed,
      // so the legend lists the smoothed curve only.
      var raw = Series(name: "", xs: iterations, ys: t.metaLosses, color: look.theme.dimText)
      // Without colour "faint" cannot be told from the smoothed line: sparse dots instead.
      if look.monochrome { raw.dash = DashPattern.distinct(5) }
      series.append(raw)
    }
    series.append(
      Series(
        name: smoothing > 0 ? "meta-loss (EMA)" : "meta-loss", xs: iterations,
        ys: Self.smoothed(t.metaLosses, weight: smoothing), color: look.theme.racerColor(0)))
    if !t.validationLosses.isEmpty {
      var validation = Series(
        name: "validation", xs: t.validationIterations.map(Double.init), ys: t.validationLosses,
        color: look.theme.good)
      if look.monochrome { validation.dash = DashPattern.distinct(2) }
      series.append(validation)
    }
    let chart = LineChart(
      title: "", series: series, xAxis: .linear, yAxis: positive ? .log : .linear, legend: .auto,
      glyphs: look.glyphs, theme: look.theme)
    chart.draw(into: &grid, in: body)
    let stats = statsLine(width: grid.width)
    grid.fill(Rect(x: 0, y: 1, width: min(grid.width, stats.count + 1), height: 1), style: look.text)
    grid.put(text: stats, at: Point(x: 0, y: 1), style: look.text)
  }
}
