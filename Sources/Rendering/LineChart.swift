/// A line chart of several series with axes, ticks, a legend and a title —
/// the loss-curve panel of the dashboard.
///
/// Layout, for a grid of `W × H` cells:
///
///     title                     y≤0 clamped   ← header row: title, clamp note
///     1k┤⠑⢄            ━ adam                 ← plot: y labels, axis, dots,
///       │  ⠑⠤⣀         ━ sgd                    legend in a corner
///     1 ┤     ⠉⠒⠤⠤⣀
///       └┬─────────┬──                        ← x axis with tick marks
///        0        50                          ← x labels
///
/// - **Axes**: each axis is ``AxisKind/linear`` or ``AxisKind/log`` (base
///   10). Without a fixed range, x spans the data exactly and y is widened
///   to nice values (1-2-5 steps for linear, whole decades for log).
/// - **Clamping**: on a log axis, values ≤ 0 are drawn at the floor and the
///   header shows `y≤0 clamped` (or `x≤0 clamped`, `x,y≤0 clamped`) in the
///   theme's `bad` colour; ``clampReport`` gives the counts.
/// - **Divergence**: NaN or ±∞ breaks a series' line; with
///   ``marksDivergence`` a `×` marks the last finite point before the line
///   first breaks — where a diverged racer left the chart.
/// - **Colours**: one colour per cell; where series cross, the one drawn
///   later (later in ``series``) colours the cell (see ``DotCanvas``).
/// - **Small sizes**: with fewer than 2 plot rows, or too narrow for the
///   labels, the axes are dropped and the dots fill the body; the legend
///   hides itself when it would cover more than half the width (names are
///   cut to fit, but not below three characters) or two thirds of the
///   height.
public struct LineChart: Widget, Hashable, Sendable {
  /// Shown bold at the top left; may be empty.
  public var title: String
  /// Drawn in order: a later series colours the cells it shares with an
  /// earlier one.
  public var series: [Series]
  public var xAxis: AxisKind
  public var yAxis: AxisKind
  /// A fixed x domain instead of fitting the data (ignored if not finite,
  /// or not positive on a log axis).
  public var xRange: ClosedRange<Double>?
  /// A fixed y domain instead of fitting the data (same rules).
  public var yRange: ClosedRange<Double>?
  public var legend: LegendPlacement
  public var glyphs: GlyphSet
  /// Whether to put `×` where a series diverges.
  public var marksDivergence: Bool
  public var theme: Theme

  public init(
    title: String = "", series: [Series] = [], xAxis: AxisKind = .linear, yAxis: AxisKind = .linear,
    xRange: ClosedRange<Double>? = nil, yRange: ClosedRange<Double>? = nil,
    legend: LegendPlacement = .auto, glyphs: GlyphSet = .braille, marksDivergence: Bool = true,
    theme: Theme = .default
  ) {
    self.title = title
    self.series = series
    self.xAxis = xAxis
    self.yAxis = yAxis
    self.xRange = xRange
    self.yRange = yRange
    self.legend = legend
    self.glyphs = glyphs
    self.marksDivergence = marksDivergence
    self.theme = theme
  }

  /// How many values a log axis had to clamp to its floor.
  public struct ClampReport: Hashable, Sendable {
    /// Finite x values ≤ 0 on a log x axis.
    public var x: Int
    /// Finite y values ≤ 0 on a log y axis.
    public var y: Int

    /// The header note: `y≤0 clamped`, `x≤0 clamped`, `x,y≤0 clamped` or
    /// empty.
    public var note: String {
      switch (x > 0, y > 0) {
      case (true, true): "x,y≤0 clamped"
      case (true, false): "x≤0 clamped"
      case (false, true): "y≤0 clamped"
      case (false, false): ""
      }
    }
  }

  /// What the log axes clamped, counted over all series (the header note
  /// is ``ClampReport/note``).
  public var clampReport: ClampReport {
    let x = xAxis == .log ? series.reduce(0) { $0 + LogScale.clampedCount(in: $1.xs) } : 0
    let y = yAxis == .log ? series.reduce(0) { $0 + LogScale.clampedCount(in: $1.ys) } : 0
    return ClampReport(x: x, y: y)
  }

  public func draw(into grid: inout CellGrid) {
    guard grid.width > 0, grid.height > 0 else { return }
    grid.fill(grid.bounds, style: theme.textStyle)
    drawHeader(into: &grid)
    guard grid.height >= 2 else { return }
    let frame = layout(body: Rect(x: 0, y: 1, width: grid.width, height: grid.height - 1))
    var canvas = DotCanvas(width: frame.plot.width, height: frame.plot.height, glyphs: glyphs)
    let markers = plot(on: &canvas, frame: frame)
    canvas.draw(into: &grid, at: Point(x: frame.plot.x, y: frame.plot.y))
    for marker in markers {
      grid.put(glyphs.divergenceMarker, at: marker.cell, style: theme.style(marker.color).adding(.bold))
    }
    drawAxes(into: &grid, frame: frame)
    drawLegend(into: &grid, plot: frame.plot, canvas: canvas)
  }

  // MARK: Scales

  /// The x scale the chart uses: the data extent, or ``xRange``.
  public func xScale() -> any Scale {
    Self.scale(xAxis, fixed: xRange, values: series.flatMap(\.xs), nice: false, maxTicks: 2)
  }

  /// The y scale the chart uses with at most `maxTicks` ticks.
  public func yScale(maxTicks: Int) -> any Scale {
    Self.scale(yAxis, fixed: yRange, values: series.flatMap(\.ys), nice: true, maxTicks: maxTicks)
  }

  static func scale(
    _ kind: AxisKind, fixed: ClosedRange<Double>?, values: [Double], nice: Bool, maxTicks: Int
  ) -> any Scale {
    let usable = fixed.flatMap { $0.lowerBound.isFinite && $0.upperBound.isFinite ? $0 : nil }
    switch kind {
    case .linear:
      if let usable { return LinearScale(domain: usable) }
      let fitted = LinearScale.fitting(values) ?? LinearScale(domain: 0...1)
      return nice ? fitted.niced(maxTicks: maxTicks) : fitted
    case .log:
      if let usable, let scale = LogScale(domain: usable) { return scale }
      let fitted = LogScale.fitting(values) ?? .unitDecade
      return nice ? fitted.niced() : fitted
    }
  }

  // MARK: Layout

  struct Frame {
    var plot: Rect
    var xScale: any Scale
    var yScale: any Scale
    /// Labelled ticks: (row, label) on the y axis, (column, label) on x.
    var yTicks: [(row: Int, label: String)]
    var xTicks: [(column: Int, label: String)]
    /// Column of the y axis and row of the x axis, when axes are shown.
    var axes: (column: Int, row: Int)?
  }

  func layout(body: Rect) -> Frame {
    let plotHeight = body.height - 2
    if plotHeight >= 2 {
      let maxYTicks = plotHeight / 2 + 1
      let yScale = yScale(maxTicks: maxYTicks)
      var plot = Rect(x: 0, y: body.y, width: body.width, height: plotHeight)
      let yTicks = rowTicks(yScale.ticks(maxCount: maxYTicks), scale: yScale, plot: plot)
      let labelWidth = max(1, yTicks.map(\.label.count).max() ?? 1)
      plot = Rect(x: labelWidth + 1, y: body.y, width: body.width - labelWidth - 1, height: plotHeight)
      if plot.width >= 4 {
        let xScale = xScale()
        let xTicks = xAxisTicks(scale: xScale, plot: plot)
        return Frame(
          plot: plot, xScale: xScale, yScale: yScale, yTicks: yTicks, xTicks: xTicks,
          axes: (column: labelWidth, row: plot.maxY))
      }
    }
    let maxYTicks = max(2, body.height / 2 + 1)
    return Frame(
      plot: body, xScale: xScale(), yScale: yScale(maxTicks: maxYTicks),
      yTicks: [], xTicks: [], axes: nil)
  }

  /// The cell row of a y fraction — the row a data point at that fraction
  /// is drawn in.
  private func row(_ fraction: Double, plot: Rect) -> Int {
    let dotHeight = plot.height * glyphs.dotsPerRow
    let y = Int(((1 - fraction) * Double(dotHeight - 1)).rounded())
    return plot.y + y / glyphs.dotsPerRow
  }

  private func column(_ fraction: Double, plot: Rect) -> Int {
    let dotWidth = plot.width * glyphs.dotsPerColumn
    let x = Int((fraction * Double(dotWidth - 1)).rounded())
    return plot.x + x / glyphs.dotsPerColumn
  }

  /// Ticks placed on rows, one per row (the first wins).
  private func rowTicks(_ ticks: [Tick], scale: any Scale, plot: Rect) -> [(row: Int, label: String)] {
    var result: [(row: Int, label: String)] = []
    for tick in ticks {
      guard let f = scale.project(tick.value).fraction, (-1e-9...(1 + 1e-9)).contains(f) else { continue }
      let r = row(f, plot: plot)
      if !result.contains(where: { $0.row == r }) { result.append((r, tick.label)) }
    }
    return result
  }

  private func columnTicks(_ ticks: [Tick], scale: any Scale, plot: Rect) -> [(column: Int, label: String)] {
    var result: [(column: Int, label: String)] = []
    for tick in ticks {
      guard let f = scale.project(tick.value).fraction, (-1e-9...(1 + 1e-9)).contains(f) else { continue }
      let c = column(f, plot: plot)
      if !result.contains(where: { $0.column == c }) { result.append((c, tick.label)) }
    }
    return result
  }

  /// The densest x ticks whose labels fit under the axis with two columns
  /// between neighbours (fewer, wider-spaced ticks as the width shrinks).
  private func xAxisTicks(scale: any Scale, plot: Rect) -> [(column: Int, label: String)] {
    var fallback: [(column: Int, label: String)] = []
    for count in stride(from: max(2, plot.width / 3), through: 2, by: -1) {
      let ticks = columnTicks(scale.ticks(maxCount: count), scale: scale, plot: plot)
      fallback = ticks
      var end = Int.min
      var fits = true
      for tick in ticks {
        let start = tick.column - (tick.label.count - 1) / 2
        if start < end + 2 {
          fits = false
          break
        }
        end = start + tick.label.count
      }
      if fits { return ticks }
    }
    return fallback
  }

  // MARK: Drawing

  private func drawHeader(into grid: inout CellGrid) {
    let note = clampReport.note
    var titleWidth = grid.width
    if !note.isEmpty {
      if note.count + 1 < grid.width {
        grid.put(text: note, at: Point(x: grid.width - note.count, y: 0), style: theme.badStyle)
        titleWidth = grid.width - note.count - 1
      } else {
        grid.put(text: note, at: .zero, style: theme.badStyle, maxWidth: grid.width)
        return
      }
    }
    grid.put(text: title, at: .zero, style: theme.titleStyle, maxWidth: titleWidth)
  }

  /// Draws every series; returns the divergence markers to overlay.
  private func plot(on canvas: inout DotCanvas, frame: Frame) -> [(cell: Point, color: Color)] {
    let maxX = Double(canvas.dotWidth - 1)
    let maxY = Double(canvas.dotHeight - 1)
    var markers: [(cell: Point, color: Color)] = []
    for s in series {
      var previous: (x: Double, y: Double)?
      var diverged = false
      var phase = 0
      for i in s.xs.indices {
        guard let fx = frame.xScale.project(s.xs[i]).fraction,
          let fy = frame.yScale.project(s.ys[i]).fraction
        else {
          if marksDivergence, !diverged, !s.ys[i].isFinite, let last = previous {
            diverged = true
            let px = min(canvas.dotWidth - 1, max(0, Int(last.x.rounded())))
            let py = min(canvas.dotHeight - 1, max(0, Int(last.y.rounded())))
            let cell = Point(
              x: frame.plot.x + px / glyphs.dotsPerColumn, y: frame.plot.y + py / glyphs.dotsPerRow)
            markers.append((cell, s.color))
          }
          previous = nil
          continue
        }
        let point = (x: fx * maxX, y: (1 - fy) * maxY)
        if let last = previous, Int(last.x + 0.5) == Int(point.x + 0.5),
          Int(last.y + 0.5) == Int(point.y + 0.5),
          last.x >= 0, last.y >= 0
        {
          continue  // same dot as the previous point: nothing new to draw
        }
        canvas.line(from: previous ?? point, to: point, color: s.color, dash: s.dash, phase: &phase)
        previous = point
      }
    }
    return markers
  }

  private func drawAxes(into grid: inout CellGrid, frame: Frame) {
    guard let axes = frame.axes else { return }
    let style = theme.axisStyle
    let plot = frame.plot
    for y in plot.y..<plot.maxY {
      grid.put(glyphs.verticalLine, at: Point(x: axes.column, y: y), style: style)
    }
    for tick in frame.yTicks {
      grid.put(glyphs.leftTick, at: Point(x: axes.column, y: tick.row), style: style)
      grid.put(
        text: tick.label, at: Point(x: axes.column - tick.label.count, y: tick.row), style: style)
    }
    grid.put(glyphs.corner, at: Point(x: axes.column, y: axes.row), style: style)
    for x in plot.x..<plot.maxX {
      grid.put(glyphs.horizontalLine, at: Point(x: x, y: axes.row), style: style)
    }
    var end = Int.min
    for tick in frame.xTicks.sorted(by: { $0.column < $1.column }) {
      let length = tick.label.count
      var start = tick.column - (length - 1) / 2
      start = max(0, min(start, grid.width - length))
      guard start > end else { continue }
      grid.put(glyphs.bottomTick, at: Point(x: tick.column, y: axes.row), style: style)
      grid.put(text: tick.label, at: Point(x: start, y: axes.row + 1), style: style)
      end = start + length
    }
  }

  private func drawLegend(into grid: inout CellGrid, plot: Rect, canvas: DotCanvas) {
    let entries = series.filter { !$0.name.isEmpty }
    let longest = entries.map(\.name.count).max() ?? 0
    // One column of entries while they fit in the plot's height, else two
    // (a short plot — 80×24 — still gets its legend).
    let columns = entries.count <= max(1, plot.height * 2 / 3) ? 1 : 2
    let perColumn = (entries.count + columns - 1) / columns
    let nameWidth = min(longest, plot.width / (2 * columns) - 2)
    // Two columns only when every name fits whole: cut names beside each
    // other over the curves read worse than no legend.
    guard legend != .hidden, !entries.isEmpty, nameWidth >= min(3, longest), perColumn <= plot.height,
      columns == 1 || nameWidth == longest
    else { return }
    let entryWidth = nameWidth + 2
    let size = (width: columns * entryWidth + (columns - 1), height: perColumn)
    let corners: [LegendPlacement: Point] = [
      .topRight: Point(x: plot.width - size.width, y: 0),
      .topLeft: Point(x: 0, y: 0),
      .bottomRight: Point(x: plot.width - size.width, y: plot.height - size.height),
      .bottomLeft: Point(x: 0, y: plot.height - size.height),
    ]
    let placement: LegendPlacement
    if legend == .auto {
      let order: [LegendPlacement] = [.topRight, .topLeft, .bottomRight, .bottomLeft]
      func covered(_ corner: LegendPlacement) -> Int {
        guard let origin = corners[corner] else { return Int.max }
        var count = 0
        for row in origin.y..<(origin.y + size.height) {
          for column in origin.x..<(origin.x + size.width) where canvas.isOccupied(column: column, row: row) {
            count += 1
          }
        }
        return count
      }
      let costs = order.map(covered)
      placement = order[costs.indices.min { costs[$0] < costs[$1] } ?? 0]
    } else {
      placement = legend
    }
    guard let local = corners[placement] else { return }
    let origin = Point(x: plot.x + local.x, y: plot.y + local.y)
    grid.fill(Rect(x: origin.x, y: origin.y, width: size.width, height: size.height), style: theme.textStyle)
    for (i, entry) in entries.enumerated() {
      let y = origin.y + i % perColumn
      let x = origin.x + (i / perColumn) * (entryWidth + 1)
      let swatch = entry.dash == .solid ? glyphs.legendSwatch : (glyphs == .ascii ? ":" : entry.dash.swatch)
      grid.put(swatch, at: Point(x: x, y: y), style: theme.style(entry.color))
      grid.put(text: entry.name, at: Point(x: x + 2, y: y), style: theme.textStyle, maxWidth: nameWidth)
    }
  }
}
