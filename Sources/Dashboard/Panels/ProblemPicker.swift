import Engine
import Rendering

/// The problem-class picker: every class the engine offers, the current
/// one marked, unavailable ones dimmed with the reason (e.g. MNIST files
/// missing).
struct ProblemPicker {
  var choices: [ProblemChoice]
  var current: String
  var selection: Int
  var look: Look

  /// One line per choice: `1 ● quadratic   summary`.
  static func lines(_ choices: [ProblemChoice], current: String) -> [String] {
    let nameWidth = choices.map(\.name.count).max() ?? 0
    return choices.enumerated().map { index, choice in
      let key = index < 9 ? "\(index + 1)" : " "
      let mark = choice.name == current ? "●" : " "
      let detail =
        choice.available ? choice.summary : "unavailable: " + (choice.reason ?? "cannot be built here")
      return "\(key) \(mark) \(choice.name.padded(to: nameWidth))  \(detail)"
    }
  }

  func draw(into grid: inout CellGrid, screen: Rect) {
    let box = OverlayBox(title: "problem class", footer: "↑↓ move · Enter switch · Esc cancel", look: look)
    guard !choices.isEmpty else {
      let inside = box.draw(into: &grid, width: 44, height: 5, screen: screen)
      grid.putCentered("the engine offers no problem classes", in: inside, style: look.dim)
      return
    }
    let lines = Self.lines(choices, current: current)
    let widest = min(lines.map(\.count).max() ?? 0, max(screen.width - 4, 20))
    let inside = box.draw(into: &grid, width: widest + 4, height: lines.count + 2, screen: screen)
    let first = max(0, min(selection - inside.height + 1, lines.count - inside.height))
    for row in 0..<inside.height where first + row < lines.count {
      let index = first + row
      var style = choices[index].available ? look.text : look.dim
      if index == selection {
        grid.fill(
          Rect(x: inside.x - 1, y: inside.y + row, width: inside.width + 2, height: 1), style: look.selected)
        style = look.selected
      }
      grid.put(
        text: lines[index], at: Point(x: inside.x, y: inside.y + row), style: style, maxWidth: inside.width)
    }
  }
}
