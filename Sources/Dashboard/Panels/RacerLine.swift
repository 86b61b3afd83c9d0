import Engine
import Evaluation
import Rendering

/// One racer as the charts see it: its place in the race, colour, the
/// plotted values and whether the user hid it.
struct RacerLine: Sendable {
  /// Race order, 0-based; the colour and the toggle key (`index + 1`)
  /// follow it, so they do not change when other racers are hidden.
  var index: Int
  var name: String
  var color: Color
  var values: [Double]
  var divergedAt: Int?
  var hidden: Bool
  /// Cumulative wall time of the updates at each point (the time axis).
  var seconds: [Double] = []
  /// The stroke: solid, or a distinct dash pattern on a monochrome screen.
  var dash: DashPattern = .solid

  /// The legend label: toggle key, name, and `✗` when diverged.
  func label(mark: Character) -> String {
    let key = index < 9 ? "\(index + 1) " : ""
    return key + name + (divergedAt != nil ? " \(mark)" : "")
  }

  /// The curve against steps, or against wall time with `timeAxis`.
  func series(mark: Character, timeAxis: Bool = false) -> Series {
    var series =
      timeAxis
      ? Series(name: label(mark: mark), xs: seconds, ys: values, color: color)
      : Series(name: label(mark: mark), values: values, color: color)
    series.dash = dash
    return series
  }
}

extension Snapshot {
  /// Every racer of the latest race, in race order.
  ///
  /// On a monochrome screen each racer gets its own dash pattern, keyed to
  /// its race index like its colour, since every colour draws alike there.
  func racerLines(
    metric: CurveMetric, theme: Theme, hidden: Set<String>, monochrome: Bool = false
  ) -> [RacerLine] {
    guard let race else { return [] }
    return race.traces.enumerated().map { index, trace in
      RacerLine(
        index: index, name: trace.name, color: theme.racerColor(index), values: metric.values(of: trace),
        divergedAt: trace.divergedAt, hidden: hidden.contains(trace.name), seconds: trace.cumulativeSeconds,
        dash: monochrome ? DashPattern.distinct(index) : .solid)
    }
  }

  /// Points recorded so far and in all (`t = 0 … steps`), for "step 45/100".
  var raceProgress: (done: Int, steps: Int)? {
    guard let race else { return nil }
    let points = race.traces.map(\.meanLoss.count).max() ?? 0
    return (max(0, points - 1), race.configuration.steps)
  }

  /// What the engine is doing, for the header: the phase, refined while
  /// it works (`racing 45/100`, `race finished`, `training`).
  var activity: String {
    guard phase == .training else { return phase.label }
    if let progress = raceProgress, progress.done < progress.steps {
      return "racing \(progress.done)/\(progress.steps)"
    }
    if training.iteration > 0 || !training.metaLosses.isEmpty { return "training" }
    return race == nil ? "starting" : "race finished"
  }
}
