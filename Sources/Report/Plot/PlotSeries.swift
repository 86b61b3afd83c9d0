/// One named curve of a line chart: y values at x positions.
///
/// A NaN or ±∞ y is a missing point (a diverged racer, a step not
/// measured) and leaves a gap in the line; values ≤ 0 cannot sit on a log
/// axis, so the chart clamps them to the axis floor and flags the series.
public struct PlotSeries: Sendable, Equatable {
  /// The legend text (escaped when written).
  public var name: String
  /// x of each point.
  public var x: [Double]
  /// y of each point (same count as ``x``).
  public var y: [Double]

  /// Points (x[i], y[i]); the counts must match.
  public init(name: String, x: [Double], y: [Double]) {
    precondition(x.count == y.count, "a series needs one x per y")
    self.name = name
    self.x = x
    self.y = y
  }

  /// y at x = 0, 1, 2, … (a curve over optimizer steps).
  public init(name: String, values: [Double]) {
    self.init(name: name, x: values.indices.map(Double.init), y: values)
  }

  /// At most `limit` points, evenly spaced by index, always keeping the
  /// first and the last: a 10,000-step curve need not be 10,000 vertices
  /// to look the same at 700 pixels. Deterministic.
  func decimated(to limit: Int) -> PlotSeries {
    guard limit >= 2, x.count > limit else { return self }
    let last = x.count - 1
    let indices = (0..<limit).map { j in (j * last + (limit - 1) / 2) / (limit - 1) }
    return PlotSeries(name: name, x: indices.map { x[$0] }, y: indices.map { y[$0] })
  }
}
