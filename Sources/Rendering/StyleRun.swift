/// A horizontal run of cells sharing one style: the unit the terminal
/// adapter draws with one attribute change and one string write.
public struct StyleRun: Hashable, Sendable {
  /// The column of the first cell.
  public var x: Int
  /// The run's characters, one per column.
  public var text: String
  public var style: Style
}

extension CellGrid {
  /// Row `y` split into maximal runs of equal style, left to right, covering
  /// every column. Empty outside the grid.
  ///
  /// The adapter emits one colour/attribute change per run — the "emit an
  /// SGR only when the colour changes" rule of the design.
  public func styleRuns(inRow y: Int) -> [StyleRun] {
    guard y >= 0, y < height, width > 0 else { return [] }
    var runs: [StyleRun] = []
    var start = 0
    var text = ""
    var style = cells[y * width].style
    for x in 0..<width {
      let cell = cells[y * width + x]
      if cell.style != style {
        runs.append(StyleRun(x: start, text: text, style: style))
        start = x
        text = ""
        style = cell.style
      }
      text.append(cell.character)
    }
    runs.append(StyleRun(x: start, text: text, style: style))
    return runs
  }
}
