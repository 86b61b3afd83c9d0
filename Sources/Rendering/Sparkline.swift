/// A compact bar-per-value trend, e.g. a racer's recent loss in a table
/// row: the newest value at the right, older ones scrolling off the left.
///
/// Each column is a bar of eighths (`▁▂▃▄▅▆▇█`), stacked over the rows of
/// the grid, so an `h`-row sparkline has `8h` levels. A finite value always
/// shows at least the lowest eighth; values ≤ 0 on a log axis sit there too
/// (clamped, as in ``LineChart``); NaN/±∞ show as `×` in the theme's `bad`
/// colour. The ASCII set uses `_ - = #` for the partial levels.
public struct Sparkline: Widget, Hashable, Sendable {
  public var values: [Double]
  public var axis: AxisKind
  /// A fixed value range; `nil` fits the values shown.
  public var range: ClosedRange<Double>?
  public var color: Color
  public var glyphs: GlyphSet
  public var theme: Theme

  /// A sparkline of `values`, oldest first, in `color`.
  public init<V: BinaryFloatingPoint>(
    _ values: [V], axis: AxisKind = .linear, range: ClosedRange<Double>? = nil, color: Color,
    glyphs: GlyphSet = .braille, theme: Theme = .default
  ) {
    self.values = values.map { Double($0) }
    self.axis = axis
    self.range = range
    self.color = color
    self.glyphs = glyphs
    self.theme = theme
  }

  private static let eighths: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]
  private static let asciiEighths: [Character] = ["_", "_", "-", "-", "=", "=", "#", "#"]

  public func draw(into grid: inout CellGrid) {
    guard grid.width > 0, grid.height > 0 else { return }
    grid.fill(grid.bounds, style: theme.textStyle)
    let shown = Array(values.suffix(grid.width))
    let scale = LineChart.scale(axis, fixed: range, values: shown, nice: false, maxTicks: 2)
    let levels = 8 * grid.height
    let offset = grid.width - shown.count
    let partials = glyphs == .ascii ? Self.asciiEighths : Self.eighths
    for (i, value) in shown.enumerated() {
      let x = offset + i
      guard let fraction = scale.project(value).fraction else {
        grid.put(glyphs.divergenceMarker, at: Point(x: x, y: grid.height - 1), style: theme.badStyle)
        continue
      }
      let level = max(1, min(levels, Int((min(1, max(0, fraction)) * Double(levels)).rounded())))
      for row in 0..<grid.height {
        let filled = level - 8 * row
        guard filled > 0 else { break }
        grid.put(
          partials[min(8, filled) - 1], at: Point(x: x, y: grid.height - 1 - row), style: theme.style(color))
      }
    }
  }
}
