/// A matrix drawn as coloured half blocks — two matrix rows per text row —
/// for the DNC memory M, the link matrix L, weighting vectors and LSTM
/// activations.
///
/// **Glyphs.** Each cell shows an upper and a lower "pixel": `▀` with the
/// foreground set to the upper value's colour and the background to the
/// lower one's. When the two colours are equal the cell is `█`; a missing
/// pixel (NaN, or the odd last row) leaves the theme background, giving `▀`
/// (upper only) or `▄` (lower only). Pixels are roughly square, since a
/// terminal cell is about twice as tall as it is wide. The `shades` glyphs
/// instead use one row per text row and ` ░▒▓█` by intensity, which still
/// reads on a monochrome terminal.
///
/// **Colour.** ``Range/symmetric`` maps ±max|M| of the whole matrix onto a
/// diverging map, so zero is always the neutral middle colour and the scale
/// label reads `±0.42`; it changes every frame, which is why it is printed.
/// ``Range/fixed(_:)`` maps a fixed interval such as [0, 1], so frames can
/// be compared (weightings, usage); values outside are clamped.
///
/// **Too big for the space.** Columns are drawn ``cellWidth`` text columns
/// wide when they fit, else one wide, else pooled; rows are pooled when
/// there are more than two per text row. Pooling takes the block's
/// value of largest magnitude (``Pooling/maxMagnitude``, so a sharp
/// weighting peak survives) or its mean (``Pooling/mean``, for matrices);
/// the header then says e.g. `pooled 2×1` (rows × columns per pixel).
public struct Heatmap: Widget, Hashable, Sendable {
  /// How values become colour positions.
  public enum Range: Hashable, Sendable {
    /// ±max|v| over the matrix, for a diverging map.
    case symmetric
    /// A fixed interval, e.g. `0...1` for weightings.
    case fixed(ClosedRange<Double>)
  }

  /// How blocks of values are reduced when the matrix is larger than the
  /// space.
  public enum Pooling: Hashable, Sendable {
    case mean
    /// The value of largest |v| in the block (its maximum for non-negative
    /// data).
    case maxMagnitude
  }

  /// Which glyphs draw the pixels.
  public enum Glyphs: Hashable, Sendable {
    /// Two pixels per cell with `▀`/`▄`/`█` and two colours.
    case halfBlocks
    /// One pixel per cell with ` ░▒▓█` by colour position.
    case shades
  }

  /// Row-major values, `rows × columns`.
  public private(set) var values: [Double]
  public private(set) var rows: Int
  public private(set) var columns: Int
  /// When non-nil, a header row `title scale` (e.g. `M ±0.42`) is drawn
  /// above the pixels.
  public var title: String?
  public var range: Range
  /// `nil`: the theme's diverging map for ``Range/symmetric``, its
  /// sequential ramp for ``Range/fixed(_:)``.
  public var colorMap: ColorMap?
  public var pooling: Pooling
  /// Text columns per matrix column when there is room (the DNC panel uses
  /// 2 for M so that cells look square).
  public var cellWidth: Int
  public var glyphs: Glyphs
  public var theme: Theme

  /// A heatmap of a row-major `rows × columns` matrix. A `matrix` shorter
  /// than `rows × columns` is padded with NaN (drawn as background); extra
  /// values are ignored.
  public init<V: BinaryFloatingPoint>(
    matrix: [V], rows: Int, columns: Int, title: String? = nil, range: Range = .symmetric,
    colorMap: ColorMap? = nil, pooling: Pooling = .mean, cellWidth: Int = 1, glyphs: Glyphs = .halfBlocks,
    theme: Theme = .default
  ) {
    let rows = max(0, rows)
    let columns = max(0, columns)
    var values = matrix.prefix(rows * columns).map { Double($0) }
    values += Array(repeating: .nan, count: rows * columns - values.count)
    self.values = values
    self.rows = rows
    self.columns = columns
    self.title = title
    self.range = range
    self.colorMap = colorMap
    self.pooling = pooling
    self.cellWidth = max(1, cellWidth)
    self.glyphs = glyphs
    self.theme = theme
  }

  /// A vertical strip for a vector (usage, a write or read weighting): one
  /// column, two slots per text row, a fixed range (default [0, 1]) and
  /// max-pooling so peaks survive.
  public static func strip<V: BinaryFloatingPoint>(
    _ vector: [V], title: String? = nil, range: ClosedRange<Double> = 0...1, colorMap: ColorMap? = nil,
    theme: Theme = .default
  ) -> Heatmap {
    Heatmap(
      matrix: vector, rows: vector.count, columns: 1, title: title, range: .fixed(range),
      colorMap: colorMap, pooling: .maxMagnitude, theme: theme)
  }

  /// The largest |v| over the finite values (0 if none).
  public var maxMagnitude: Double {
    values.reduce(0) { $1.isFinite ? max($0, abs($1)) : $0 }
  }

  /// What a colour means: `±0.42` for a symmetric range, `0–1` for a fixed
  /// one.
  public var scaleLabel: String {
    switch range {
    case .symmetric: "±" + TickLabel.format(maxMagnitude)
    case .fixed(let r): TickLabel.format(r.lowerBound) + "–" + TickLabel.format(r.upperBound)
    }
  }

  /// The position of `value` on the colour map, or `nil` for NaN/±∞.
  public func colorPosition(_ value: Double) -> Double? {
    colorPosition(value, maxMagnitude: range == .symmetric ? maxMagnitude : 0)
  }

  /// ``colorPosition(_:)`` with max|v| computed once per frame by the caller.
  private func colorPosition(_ value: Double, maxMagnitude m: Double) -> Double? {
    guard value.isFinite else { return nil }
    switch range {
    case .symmetric:
      return m > 0 ? (value / m + 1) / 2 : 0.5
    case .fixed(let r):
      guard r.upperBound > r.lowerBound else { return 0.5 }
      return min(1, max(0, (value - r.lowerBound) / (r.upperBound - r.lowerBound)))
    }
  }

  private var effectiveMap: ColorMap {
    if let colorMap { return colorMap }
    switch range {
    case .symmetric: return theme.divergingMap
    case .fixed: return theme.sequentialMap
    }
  }

  // MARK: Layout

  /// How the matrix fits a `width × height` body of cells.
  struct Fit: Hashable {
    var rowFactor: Int
    var columnFactor: Int
    var columnWidth: Int
    var pooledRows: Int
    var pooledColumns: Int
  }

  func fit(width: Int, height: Int) -> Fit {
    let pixelsPerCell = glyphs == .halfBlocks ? 2 : 1
    let pixelRows = max(1, height * pixelsPerCell)
    let rowFactor = rows > pixelRows ? (rows + pixelRows - 1) / pixelRows : 1
    var columnWidth = 1
    var columnFactor = 1
    if columns * cellWidth <= width {
      columnWidth = cellWidth
    } else if columns > width {
      columnFactor = (columns + max(1, width) - 1) / max(1, width)
    }
    return Fit(
      rowFactor: rowFactor, columnFactor: columnFactor, columnWidth: columnWidth,
      pooledRows: (rows + rowFactor - 1) / rowFactor,
      pooledColumns: (columns + columnFactor - 1) / columnFactor)
  }

  /// The matrix reduced by `fit`'s factors, row-major.
  func pooled(_ fit: Fit) -> [Double] {
    guard fit.rowFactor > 1 || fit.columnFactor > 1 else { return values }
    var result: [Double] = []
    result.reserveCapacity(fit.pooledRows * fit.pooledColumns)
    for pr in 0..<fit.pooledRows {
      for pc in 0..<fit.pooledColumns {
        var sum = 0.0
        var count = 0
        var extreme = Double.nan
        for r in (pr * fit.rowFactor)..<min(rows, (pr + 1) * fit.rowFactor) {
          for c in (pc * fit.columnFactor)..<min(columns, (pc + 1) * fit.columnFactor) {
            let v = values[r * columns + c]
            guard v.isFinite else { continue }
            sum += v
            count += 1
            if extreme.isNaN || abs(v) > abs(extreme) { extreme = v }
          }
        }
        switch pooling {
        case .mean: result.append(count > 0 ? sum / Double(count) : .nan)
        case .maxMagnitude: result.append(extreme)
        }
      }
    }
    return result
  }

  // MARK: Drawing

  public func draw(into grid: inout CellGrid) {
    guard grid.width > 0, grid.height > 0 else { return }
    grid.fill(grid.bounds, style: theme.textStyle)
    var top = 0
    let fit = fit(width: grid.width, height: grid.height - (title == nil ? 0 : 1))
    if let title {
      var header = (title.isEmpty ? "" : title + " ") + scaleLabel
      if fit.rowFactor > 1 || fit.columnFactor > 1 {
        header += " pooled \(fit.rowFactor)×\(fit.columnFactor)"
      }
      grid.put(text: header, at: .zero, style: theme.titleStyle, maxWidth: grid.width)
      top = 1
    }
    guard grid.height > top, rows > 0, columns > 0 else { return }
    let pixels = pooled(fit)
    let map = effectiveMap
    let m = range == .symmetric ? maxMagnitude : 0
    func color(_ row: Int, _ column: Int) -> Color? {
      guard row < fit.pooledRows else { return nil }
      return colorPosition(pixels[row * fit.pooledColumns + column], maxMagnitude: m).map(map.color(at:))
    }
    let textRows = glyphs == .halfBlocks ? (fit.pooledRows + 1) / 2 : fit.pooledRows
    for textRow in 0..<min(textRows, grid.height - top) {
      for column in 0..<fit.pooledColumns {
        let cell: Cell
        switch glyphs {
        case .halfBlocks:
          cell = halfBlock(upper: color(2 * textRow, column), lower: color(2 * textRow + 1, column))
        case .shades:
          cell = shade(pixels[textRow * fit.pooledColumns + column], maxMagnitude: m, map: map)
        }
        for k in 0..<fit.columnWidth { grid[column * fit.columnWidth + k, top + textRow] = cell }
      }
    }
  }

  private func halfBlock(upper: Color?, lower: Color?) -> Cell {
    let background = theme.background
    switch (upper, lower) {
    case (nil, nil): return Cell(" ", style: theme.textStyle)
    case (let u?, nil): return Cell("▀", style: Style(foreground: u, background: background))
    case (nil, let l?): return Cell("▄", style: Style(foreground: l, background: background))
    case (let u?, let l?) where u == l: return Cell("█", style: Style(foreground: u, background: background))
    case (let u?, let l?): return Cell("▀", style: Style(foreground: u, background: l))
    }
  }

  private static let shadeGlyphs: [Character] = [" ", "░", "▒", "▓", "█"]

  private func shade(_ value: Double, maxMagnitude m: Double, map: ColorMap) -> Cell {
    guard let t = colorPosition(value, maxMagnitude: m) else { return Cell(" ", style: theme.textStyle) }
    let index = min(Self.shadeGlyphs.count - 1, Int(t * Double(Self.shadeGlyphs.count)))
    return Cell(
      Self.shadeGlyphs[index], style: Style(foreground: map.color(at: t), background: theme.background))
  }
}
