/// A drawing surface of sub-cell dots ("pixels") for line charts: 2 × 4
/// dots per cell with braille, 2 × 2 with block quadrants, 1 × 2 with
/// ASCII (see ``GlyphSet``).
///
/// Dot `(0, 0)` is the top-left dot; x grows right, y grows down.
///
/// **One colour per cell — last writer wins.** A terminal cell has a single
/// foreground colour, so when two series set dots in the same cell the
/// dots of both are shown but the cell takes the colour of whichever series
/// was drawn last. Charts draw series in order, so later series sit "on
/// top"; draw the one that matters most last.
public struct DotCanvas: Hashable, Sendable {
  /// Size in cells.
  public let width: Int
  public let height: Int
  public let glyphs: GlyphSet
  private var masks: [UInt8]
  private var colors: [Color]

  /// An empty canvas of `width × height` cells.
  public init(width: Int, height: Int, glyphs: GlyphSet = .braille) {
    self.width = max(0, width)
    self.height = max(0, height)
    self.glyphs = glyphs
    masks = Array(repeating: 0, count: self.width * self.height)
    colors = Array(repeating: .default, count: self.width * self.height)
  }

  /// Size in dots.
  public var dotWidth: Int { width * glyphs.dotsPerColumn }
  public var dotHeight: Int { height * glyphs.dotsPerRow }

  /// Sets one dot and gives its cell `color`; dots outside are ignored.
  public mutating func set(x: Int, y: Int, color: Color) {
    guard x >= 0, x < dotWidth, y >= 0, y < dotHeight else { return }
    let cx = x / glyphs.dotsPerColumn
    let cy = y / glyphs.dotsPerRow
    let bit = (y % glyphs.dotsPerRow) * glyphs.dotsPerColumn + x % glyphs.dotsPerColumn
    masks[cy * width + cx] |= 1 << bit
    colors[cy * width + cx] = color
  }

  /// Whether the dot is set.
  public func isSet(x: Int, y: Int) -> Bool {
    guard x >= 0, x < dotWidth, y >= 0, y < dotHeight else { return false }
    let cx = x / glyphs.dotsPerColumn
    let cy = y / glyphs.dotsPerRow
    let bit = (y % glyphs.dotsPerRow) * glyphs.dotsPerColumn + x % glyphs.dotsPerColumn
    return masks[cy * width + cx] & (1 << bit) != 0
  }

  /// Whether any dot of cell `(column, row)` is set.
  public func isOccupied(column: Int, row: Int) -> Bool {
    guard column >= 0, column < width, row >= 0, row < height else { return false }
    return masks[row * width + column] != 0
  }

  /// A straight line between two dots, both included, by Bresenham's
  /// algorithm: exactly one dot per step along the major axis, so a line of
  /// slope 1 lights the diagonal and nothing else.
  public mutating func line(from a: (x: Int, y: Int), to b: (x: Int, y: Int), color: Color) {
    var phase = 0
    line(from: a, to: b, color: color, dash: .solid, phase: &phase)
  }

  /// The same line stroked with `dash`; `phase` counts the dots stepped
  /// over so far and carries the pattern across the segments of a curve.
  public mutating func line(
    from a: (x: Int, y: Int), to b: (x: Int, y: Int), color: Color, dash: DashPattern, phase: inout Int
  ) {
    let dx = abs(b.x - a.x)
    let dy = -abs(b.y - a.y)
    let sx = a.x < b.x ? 1 : -1
    let sy = a.y < b.y ? 1 : -1
    var error = dx + dy
    var x = a.x
    var y = a.y
    while true {
      if dash.draws(at: phase) { set(x: x, y: y, color: color) }
      if x == b.x && y == b.y { return }
      phase += 1
      let e2 = 2 * error
      if e2 >= dy {
        error += dy
        x += sx
      }
      if e2 <= dx {
        error += dx
        y += sy
      }
    }
  }

  /// A line between two points in continuous dot coordinates (dot centres
  /// at integers), first clipped to the canvas (Liang–Barsky) so that far
  /// off-canvas endpoints cost nothing, then rounded and drawn by
  /// ``line(from:to:color:)``. Non-finite coordinates draw nothing.
  public mutating func line(from a: (x: Double, y: Double), to b: (x: Double, y: Double), color: Color) {
    var phase = 0
    line(from: a, to: b, color: color, dash: .solid, phase: &phase)
  }

  /// The clipped line stroked with `dash` (see the integer version).
  public mutating func line(
    from a: (x: Double, y: Double), to b: (x: Double, y: Double), color: Color, dash: DashPattern,
    phase: inout Int
  ) {
    guard a.x.isFinite, a.y.isFinite, b.x.isFinite, b.y.isFinite else { return }
    let xMin = -0.5
    let yMin = -0.5
    let xMax = Double(dotWidth) - 0.5
    let yMax = Double(dotHeight) - 0.5
    let dx = b.x - a.x
    let dy = b.y - a.y
    var t0 = 0.0
    var t1 = 1.0
    // One Liang–Barsky test per edge: p is the direction, q the distance
    // to the edge. Written out so that no array is built per segment.
    func keep(_ p: Double, _ q: Double) -> Bool {
      if p == 0 { return q >= 0 }
      let r = q / p
      if p < 0 { t0 = max(t0, r) } else { t1 = min(t1, r) }
      return t0 <= t1
    }
    guard keep(-dx, a.x - xMin), keep(dx, xMax - a.x), keep(-dy, a.y - yMin), keep(dy, yMax - a.y) else {
      return
    }
    // After clipping v ≥ −0.5, so Int(v + 0.5) rounds half up without a
    // libm call (this is the per-point path of every chart).
    func clampedRound(_ v: Double, _ limit: Int) -> Int { min(limit - 1, max(0, Int(v + 0.5))) }
    let start = (x: clampedRound(a.x + t0 * dx, dotWidth), y: clampedRound(a.y + t0 * dy, dotHeight))
    let end = (x: clampedRound(a.x + t1 * dx, dotWidth), y: clampedRound(a.y + t1 * dy, dotHeight))
    line(from: start, to: end, color: color, dash: dash, phase: &phase)
  }

  /// Writes the occupied cells into `grid` with their top-left at `origin`.
  /// Only the character and foreground change; the background and
  /// attributes already in the grid are kept, so a canvas can be laid over
  /// a themed panel. Empty cells are left untouched.
  public func draw(into grid: inout CellGrid, at origin: Point = .zero) {
    for row in 0..<height {
      for column in 0..<width {
        let i = row * width + column
        guard let glyph = glyphs.glyph(mask: masks[i]) else { continue }
        var cell = grid[origin.x + column, origin.y + row]
        cell.character = glyph
        cell.style.foreground = colors[i]
        grid[origin.x + column, origin.y + row] = cell
      }
    }
  }
}
