/// One line of a chart: a named sequence of (x, y) points in a colour.
///
/// Non-finite y values (NaN, ±∞) are kept: they break the line, which is
/// how a diverged racer shows.
public struct Series: Hashable, Sendable {
  /// The legend entry; an empty name keeps the series out of the legend.
  public var name: String
  /// x coordinates (steps), parallel to ``ys``.
  public var xs: [Double]
  public var ys: [Double]
  public var color: Color
  /// The stroke; solid unless the chart must tell series apart without
  /// colour (see ``DashPattern/distinct``).
  public var dash: DashPattern = .solid

  /// Values indexed by step: point i is (firstStep + i, values[i]).
  public init<V: BinaryFloatingPoint>(name: String, values: [V], firstStep: Double = 0, color: Color) {
    self.name = name
    xs = values.indices.map { firstStep + Double($0) }
    ys = values.map { Double($0) }
    self.color = color
  }

  /// Explicit points.
  public init(name: String, points: [(x: Double, y: Double)], color: Color) {
    self.name = name
    xs = points.map(\.x)
    ys = points.map(\.y)
    self.color = color
  }

  /// Parallel coordinate arrays; extra entries of the longer one are
  /// ignored.
  public init(name: String, xs: [Double], ys: [Double], color: Color) {
    let n = min(xs.count, ys.count)
    self.name = name
    self.xs = Array(xs.prefix(n))
    self.ys = Array(ys.prefix(n))
    self.color = color
  }

  /// The index of the first non-finite y — where the racer diverged — or
  /// `nil`.
  public var divergenceIndex: Int? { ys.firstIndex { !$0.isFinite } }
}
