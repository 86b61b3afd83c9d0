/// An off-screen grid of character cells: what every widget draws into and
/// what the terminal adapter copies to the screen.
///
/// Row-major storage, `(0, 0)` at the top left. Writes outside the grid are
/// clipped silently, so widgets can draw lines and labels without bounds
/// checks. The grid is a value: a panel can be rendered into its own grid
/// (``withRegion(_:_:)``) and tests compare ``lines`` with golden strings.
public struct CellGrid: Hashable, Sendable {
  public let width: Int
  public let height: Int
  /// The cells, row by row: cell `(x, y)` is `cells[y * width + x]`.
  public private(set) var cells: [Cell]

  /// A grid filled with `fill` (blank by default).
  public init(width: Int, height: Int, fill: Cell = .blank) {
    self.width = max(0, width)
    self.height = max(0, height)
    cells = Array(repeating: fill, count: self.width * self.height)
  }

  /// The whole grid as a rectangle at the origin.
  public var bounds: Rect { Rect(x: 0, y: 0, width: width, height: height) }

  /// The cell at `(x, y)`; reading outside gives ``Cell/blank`` and writing
  /// outside is ignored.
  public subscript(x: Int, y: Int) -> Cell {
    get {
      guard x >= 0, x < width, y >= 0, y < height else { return .blank }
      return cells[y * width + x]
    }
    set {
      guard x >= 0, x < width, y >= 0, y < height else { return }
      cells[y * width + x] = newValue
    }
  }

  /// Writes one character (replaced by `?` if it is not single-width).
  public mutating func put(_ character: Character, at p: Point, style: Style) {
    self[p.x, p.y] = Cell(CharacterWidth.displayable(character), style: style)
  }

  /// Writes `text` on one row starting at `p`, clipped to the grid, and
  /// returns the number of columns the text occupies (clipped or not).
  ///
  /// With `maxWidth`, text longer than that is cut and ends in `…`, the
  /// only truncation mark used across the dashboard. Each character takes
  /// one column: wide characters become `?` and control characters spaces.
  @discardableResult
  public mutating func put(text: String, at p: Point, style: Style, maxWidth: Int? = nil) -> Int {
    let shown = maxWidth.map { Self.truncate(text, to: $0) } ?? text
    var x = p.x
    for character in shown {
      put(character, at: Point(x: x, y: p.y), style: style)
      x += 1
    }
    return x - p.x
  }

  /// Fills `rect` (clipped) with `cell`.
  public mutating func fill(_ rect: Rect, with cell: Cell) {
    let r = rect.intersection(bounds)
    for y in r.y..<r.maxY {
      for x in r.x..<r.maxX { cells[y * width + x] = cell }
    }
  }

  /// Blanks `rect` (clipped) with spaces drawn in `style` — e.g. a theme's
  /// background.
  public mutating func fill(_ rect: Rect, style: Style) {
    fill(rect, with: Cell(" ", style: style))
  }

  /// A copy of the cells inside `rect` (clipped to the grid).
  public func subgrid(_ rect: Rect) -> CellGrid {
    let r = rect.intersection(bounds)
    var result = CellGrid(width: r.width, height: r.height)
    for y in 0..<r.height {
      for x in 0..<r.width { result.cells[y * r.width + x] = cells[(r.y + y) * width + r.x + x] }
    }
    return result
  }

  /// Copies `other` into this grid with its top-left corner at `origin`,
  /// clipped.
  public mutating func blit(_ other: CellGrid, at origin: Point) {
    for y in 0..<other.height {
      for x in 0..<other.width {
        self[origin.x + x, origin.y + y] = other.cells[y * other.width + x]
      }
    }
  }

  /// Runs `body` on the part of the grid inside `rect`, in local
  /// coordinates, then copies the result back: the region is a panel that
  /// cannot draw outside itself.
  ///
  /// - Complexity: O(area of `rect`) for the two copies.
  public mutating func withRegion<R>(_ rect: Rect, _ body: (inout CellGrid) throws -> R) rethrows -> R {
    let r = rect.intersection(bounds)
    var region = subgrid(r)
    let result = try body(&region)
    blit(region, at: Point(x: r.x, y: r.y))
    return result
  }

  /// The characters of each row, for golden tests and plain-text output.
  public var lines: [String] {
    (0..<height).map { y in String(cells[(y * width)..<((y + 1) * width)].map(\.character)) }
  }

  /// `text` cut to `width` columns, ending in `…` when cut.
  static func truncate(_ text: String, to width: Int) -> String {
    guard width > 0 else { return "" }
    guard text.count > width else { return text }
    return String(text.prefix(width - 1)) + "…"
  }
}
