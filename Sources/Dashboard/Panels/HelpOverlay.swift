import Rendering

/// The key help, generated from the key map: one section per group, one
/// line per binding (`keys   what they do`), scrollable when the terminal
/// is short.
struct HelpOverlay {
  var keyMap: KeyMap
  var offset: Int
  var look: Look

  /// A help line: a section header, a binding, or a blank separator.
  enum Line: Equatable {
    case header(String)
    case binding(keys: String, help: String)
    case blank
  }

  /// Every line of the help, in order.
  static func lines(_ keyMap: KeyMap) -> [Line] {
    var lines: [Line] = []
    for group in KeyBinding.Group.allCases {
      let bindings = keyMap.bindings(in: group)
      guard !bindings.isEmpty else { continue }
      if !lines.isEmpty { lines.append(.blank) }
      lines.append(.header(group.rawValue))
      for binding in bindings { lines.append(.binding(keys: binding.keysText, help: binding.help)) }
    }
    return lines
  }

  /// The lines as plain text, keys padded to one column (what tests and
  /// the box show).
  /// Keys are padded to the widest keys of their section.
  static func text(_ keyMap: KeyMap) -> [String] {
    var result: [String] = []
    var keyWidth = 0
    for (index, line) in lines(keyMap).enumerated() {
      switch line {
      case .header(let title):
        keyWidth = sectionKeyWidth(lines(keyMap), from: index + 1)
        result.append(title)
      case .binding(let keys, let help): result.append("  " + keys.padded(to: keyWidth) + "  " + help)
      case .blank: result.append("")
      }
    }
    return result
  }

  private static func sectionKeyWidth(_ lines: [Line], from start: Int) -> Int {
    var width = 0
    for line in lines[start...] {
      guard case .binding(let keys, _) = line else { break }
      width = max(width, keys.count)
    }
    return width
  }

  /// The largest offset that still fills the box.
  static func maxOffset(_ keyMap: KeyMap, visibleRows: Int) -> Int {
    max(0, lines(keyMap).count - visibleRows)
  }

  func draw(into grid: inout CellGrid, screen: Rect) {
    let text = Self.text(keyMap)
    let kinds = Self.lines(keyMap)
    let widest = text.map(\.count).max() ?? 0
    let box = OverlayBox(title: "keys", footer: "↑↓ scroll · Esc close", look: look)
    let inside = box.draw(into: &grid, width: widest + 4, height: text.count + 2, screen: screen)
    let start = min(max(0, offset), max(0, text.count - inside.height))
    for row in 0..<inside.height where start + row < text.count {
      let style: Style
      if case .header = kinds[start + row] { style = look.title } else { style = look.text }
      grid.put(
        text: text[start + row], at: Point(x: inside.x, y: inside.y + row), style: style,
        maxWidth: inside.width)
    }
    if start + inside.height < text.count {
      grid.put(text: "more ↓", at: Point(x: inside.maxX - 6, y: inside.maxY - 1), style: look.dim)
    }
  }
}
