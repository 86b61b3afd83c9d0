import Rendering

/// A text segment with its own style, for bars built from parts.
struct Segment: Sendable {
  var text: String
  var style: Style

  init(_ text: String, _ style: Style) {
    self.text = text
    self.style = style
  }
}

extension CellGrid {
  /// A panel's first row: the title in bold, a rule to the right edge, and
  /// `info` segments right-aligned over the rule, separated by ` · `.
  /// Segments that do not fit beside the title are left out from the left,
  /// so the most important (a clamp or divergence note) goes last; the
  /// title is cut last of all.
  mutating func drawTitleBar(_ title: String, info: [Segment] = [], look: Look, row: Int = 0) {
    fill(Rect(x: 0, y: row, width: width, height: 1), with: Cell(look.rule, style: look.border))
    let titleWidth = put(text: title, at: Point(x: 0, y: row), style: look.title, maxWidth: width)
    var shown = info
    func infoWidth() -> Int { shown.reduce(0) { $0 + $1.text.count } + 3 * (shown.count - 1) + 2 }
    while !shown.isEmpty && titleWidth + 1 + infoWidth() + 1 > width { shown.removeFirst() }
    guard !shown.isEmpty else {
      if titleWidth < width { put(" ", at: Point(x: titleWidth, y: row), style: look.border) }
      return
    }
    put(" ", at: Point(x: titleWidth, y: row), style: look.border)
    var x = width - 1 - infoWidth()
    put(" ", at: Point(x: x, y: row), style: look.border)
    x += 1
    for (i, segment) in shown.enumerated() {
      if i > 0 { x += put(text: " · ", at: Point(x: x, y: row), style: look.dim) }
      x += put(text: segment.text, at: Point(x: x, y: row), style: segment.style)
    }
    put(" ", at: Point(x: x, y: row), style: look.border)
  }

  /// `text` centred in `rect` (cut to fit), e.g. "waiting for the first
  /// race".
  mutating func putCentered(_ text: String, in rect: Rect, style: Style) {
    guard rect.width > 0, rect.height > 0 else { return }
    let shown = text.truncated(to: rect.width)
    let x = rect.x + (rect.width - shown.count) / 2
    put(text: shown, at: Point(x: x, y: rect.y + (rect.height - 1) / 2), style: style)
  }

  /// Several lines centred as a block in `rect`.
  mutating func putCentered(lines: [(String, Style)], in rect: Rect) {
    guard rect.width > 0, rect.height > 0 else { return }
    let top = rect.y + max(0, (rect.height - lines.count) / 2)
    for (i, line) in lines.enumerated() where top + i < rect.maxY {
      let shown = line.0.truncated(to: rect.width)
      put(text: shown, at: Point(x: rect.x + (rect.width - shown.count) / 2, y: top + i), style: line.1)
    }
  }
}
