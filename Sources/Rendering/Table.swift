/// A table with a header row, per-column alignment, per-cell styles and a
/// highlighted row — the convergence table of the race.
///
/// **Widths.** Each column wants the width of its longest entry (header
/// included). When the total is wider than the space, the widest column
/// that is still above its ``Column/minWidth`` gives up one character at a
/// time (the rightmost on ties) until the table fits; if every column is at
/// its minimum, columns are dropped from the right. Text cut this way ends
/// in `…`.
///
/// **Rows.** Rows that do not fit are not drawn, except that the table
/// scrolls just enough to keep ``highlightedRow`` visible. The highlighted
/// row keeps each cell's foreground on the theme's `highlight` background,
/// in bold so it is still visible without colour.
public struct Table: Widget, Hashable, Sendable {
  public enum Alignment: Hashable, Sendable {
    case left, right, center
  }

  public struct Column: Hashable, Sendable {
    public var header: String
    public var alignment: Alignment
    /// The narrowest the column may be cut to (never more than its
    /// natural width).
    public var minWidth: Int

    public init(_ header: String, alignment: Alignment = .left, minWidth: Int = 3) {
      self.header = header
      self.alignment = alignment
      self.minWidth = max(1, minWidth)
    }
  }

  /// One table cell: text and an optional style (`nil`: the theme's text
  /// style). A string literal is a plain cell.
  public struct Entry: Hashable, Sendable, ExpressibleByStringLiteral {
    public var text: String
    public var style: Style?

    public init(_ text: String, style: Style? = nil) {
      self.text = text
      self.style = style
    }

    public init(stringLiteral value: String) {
      self.init(value)
    }
  }

  /// The columns, left to right; they define the header row.
  public var columns: [Column]
  /// Rows of entries; missing entries are blank, extra ones ignored.
  public var rows: [[Entry]]
  /// The index in ``rows`` of the row to highlight (e.g. the selected
  /// racer), or `nil`.
  public var highlightedRow: Int?
  /// Blank columns between table columns.
  public var columnSpacing: Int
  public var theme: Theme

  public init(
    columns: [Column], rows: [[Entry]], highlightedRow: Int? = nil, columnSpacing: Int = 1,
    theme: Theme = .default
  ) {
    self.columns = columns
    self.rows = rows
    self.highlightedRow = highlightedRow
    self.columnSpacing = max(0, columnSpacing)
    self.theme = theme
  }

  /// The width of each column for a table `available` cells wide; columns
  /// that do not fit at all are left out (the result may be shorter than
  /// ``columns``).
  public func columnWidths(available: Int) -> [Int] {
    var widths = columns.indices.map { i in
      rows.reduce(columns[i].header.count) { max($0, i < $1.count ? $1[i].text.count : 0) }
    }
    let minimums = columns.indices.map { min(columns[$0].minWidth, widths[$0]) }
    func total() -> Int { widths.reduce(0, +) + columnSpacing * max(0, widths.count - 1) }
    while !widths.isEmpty && total() > available {
      let candidates = widths.indices.filter { widths[$0] > minimums[$0] }
      if let widest = candidates.max(by: { widths[$0] < widths[$1] || (widths[$0] == widths[$1] && $0 < $1) })
      {
        widths[widest] -= 1
      } else {
        widths.removeLast()
      }
    }
    return widths
  }

  public func draw(into grid: inout CellGrid) {
    guard grid.width > 0, grid.height > 0 else { return }
    grid.fill(grid.bounds, style: theme.textStyle)
    let widths = columnWidths(available: grid.width)
    guard !widths.isEmpty else { return }
    let headerStyle = theme.textStyle.adding(.bold)
    drawRow(columns.map { Entry($0.header, style: headerStyle) }, y: 0, widths: widths, into: &grid)

    let visible = grid.height - 1
    guard visible > 0 else { return }
    var first = 0
    if let highlightedRow, highlightedRow >= visible { first = highlightedRow - visible + 1 }
    for (offset, index) in (first..<min(rows.count, first + visible)).enumerated() {
      let y = 1 + offset
      if index == highlightedRow {
        grid.fill(Rect(x: 0, y: y, width: grid.width, height: 1), style: theme.highlightStyle)
      }
      drawRow(rows[index], y: y, widths: widths, into: &grid, highlighted: index == highlightedRow)
    }
  }

  private func drawRow(
    _ entries: [Entry], y: Int, widths: [Int], into grid: inout CellGrid, highlighted: Bool = false
  ) {
    var x = 0
    for (i, width) in widths.enumerated() {
      let entry = i < entries.count ? entries[i] : Entry("")
      var style = entry.style ?? theme.textStyle
      if highlighted {
        style.background = theme.highlight
        style.attributes.formUnion(.bold)
      }
      let text = CellGrid.truncate(entry.text, to: width)
      let padding = width - text.count
      let lead: Int
      switch columns[i].alignment {
      case .left: lead = 0
      case .right: lead = padding
      case .center: lead = padding / 2
      }
      grid.put(text: text, at: Point(x: x + lead, y: y), style: style)
      x += width + columnSpacing
    }
  }
}
