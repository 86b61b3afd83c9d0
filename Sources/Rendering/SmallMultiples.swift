/// A grid of small line charts sharing their axis ranges, so panels can be
/// compared at a glance (one optimizer per panel, or one problem per panel).
///
/// Panels are filled left to right, top to bottom, separated by one blank
/// column. With ``sharesAxes`` every chart's ranges are replaced by the
/// range that holds all charts' data (nicely rounded, per the first chart's
/// axis kinds); charts otherwise keep their own settings.
public struct SmallMultiples: Widget, Hashable, Sendable {
  public var charts: [LineChart]
  /// Panels per row; `nil` chooses panels at least 24 cells wide.
  public var columns: Int?
  public var sharesAxes: Bool

  public init(charts: [LineChart], columns: Int? = nil, sharesAxes: Bool = true) {
    self.charts = charts
    self.columns = columns
    self.sharesAxes = sharesAxes
  }

  /// The panel rectangles for a `width × height` grid, in chart order.
  public func panels(width: Int, height: Int) -> [Rect] {
    guard !charts.isEmpty, width > 0, height > 0 else { return [] }
    let perRow = max(1, min(charts.count, columns ?? max(1, (width + 1) / 25)))
    let rowCount = (charts.count + perRow - 1) / perRow
    let panelWidth = (width - (perRow - 1)) / perRow
    let panelHeight = height / rowCount
    return charts.indices.map { i in
      Rect(
        x: (i % perRow) * (panelWidth + 1), y: (i / perRow) * panelHeight,
        width: panelWidth, height: panelHeight)
    }
  }

  /// The charts as drawn: with shared ranges when ``sharesAxes``.
  public func sharedCharts(plotHeight: Int) -> [LineChart] {
    guard sharesAxes, let first = charts.first else { return charts }
    var combined = first
    combined.series = charts.flatMap(\.series)
    combined.xRange = nil
    combined.yRange = nil
    let x = combined.xScale().domain
    let y = combined.yScale(maxTicks: plotHeight / 2 + 1).domain
    return charts.map { chart in
      var chart = chart
      if chart.xAxis == first.xAxis { chart.xRange = x }
      if chart.yAxis == first.yAxis { chart.yRange = y }
      return chart
    }
  }

  public func draw(into grid: inout CellGrid) {
    if let theme = charts.first?.theme { grid.fill(grid.bounds, style: theme.textStyle) }
    let rects = panels(width: grid.width, height: grid.height)
    guard let height = rects.first?.height else { return }
    // A panel's plot is its height minus the header, x axis and labels.
    let drawn = sharedCharts(plotHeight: max(1, height - 3))
    for (chart, rect) in zip(drawn, rects) { chart.draw(into: &grid, in: rect) }
  }
}
