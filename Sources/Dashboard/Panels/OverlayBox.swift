import Rendering

/// A bordered box over the panels, centred, for the help and the picker.
struct OverlayBox {
  var title: String
  var footer: String
  var look: Look

  /// The box of at most `width × height` (border included) centred in
  /// `screen`, drawn empty; returns the inside.
  func draw(into grid: inout CellGrid, width: Int, height: Int, screen: Rect) -> Rect {
    let w = min(width, screen.width)
    let h = min(height, screen.height)
    let box = Rect(
      x: screen.x + (screen.width - w) / 2, y: screen.y + (screen.height - h) / 2, width: w, height: h)
    let ascii = look.glyphs == .ascii
    let (horizontal, vertical) = (ascii ? Character("-") : "─", ascii ? Character("|") : "│")
    let corners: [Character] = ascii ? ["+", "+", "+", "+"] : ["┌", "┐", "└", "┘"]
    grid.fill(box, style: look.text)
    for x in box.x..<box.maxX {
      grid.put(horizontal, at: Point(x: x, y: box.y), style: look.border)
      grid.put(horizontal, at: Point(x: x, y: box.maxY - 1), style: look.border)
    }
    for y in box.y..<box.maxY {
      grid.put(vertical, at: Point(x: box.x, y: y), style: look.border)
      grid.put(vertical, at: Point(x: box.maxX - 1, y: y), style: look.border)
    }
    grid.put(corners[0], at: Point(x: box.x, y: box.y), style: look.border)
    grid.put(corners[1], at: Point(x: box.maxX - 1, y: box.y), style: look.border)
    grid.put(corners[2], at: Point(x: box.x, y: box.maxY - 1), style: look.border)
    grid.put(corners[3], at: Point(x: box.maxX - 1, y: box.maxY - 1), style: look.border)
    grid.put(
      text: " \(title) ", at: Point(x: box.x + 2, y: box.y), style: look.title, maxWidth: max(0, w - 4))
    if !footer.isEmpty, w > 6 {
      let text = " \(footer) ".truncated(to: w - 4)
      grid.put(text: text, at: Point(x: box.maxX - 2 - text.count, y: box.maxY - 1), style: look.dim)
    }
    return box.inset(dx: 2, dy: 1)
  }
}
