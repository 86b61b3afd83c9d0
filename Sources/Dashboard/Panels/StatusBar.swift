import Engine
import Rendering

/// The bottom row: the main keys (from the key map, most important first,
/// as many as fit) and, at the right, the latest note — a toast from the
/// last key, else the engine's last message.
struct StatusBar {
  var keyMap: KeyMap
  var snapshot: Snapshot
  var toast: DashboardState.Toast?
  var look: Look

  /// The hints shown in `width` columns, in priority order.
  static func hints(_ keyMap: KeyMap, width: Int) -> [KeyBinding] {
    var used = 0
    var shown: [KeyBinding] = []
    for binding in keyMap.statusBindings.sorted(by: { $0.statusPriority < $1.statusPriority }) {
      let length = binding.shortKeysText.count + 1 + (binding.statusLabel?.count ?? 0) + 2
      guard used + length <= width else { break }
      used += length
      shown.append(binding)
    }
    return shown
  }

  func draw(into grid: inout CellGrid, row: Int) {
    let bar = look.bar
    grid.fill(Rect(x: 0, y: row, width: grid.width, height: 1), style: bar)
    var note: Segment?
    if let toast {
      note = Segment(
        toast.text, toast.isError ? bar.foreground(look.theme.bad).adding(.bold) : bar.adding(.bold))
    } else if case .failed(let message) = snapshot.phase {
      note = Segment(message, bar.foreground(look.theme.bad).adding(.bold))
    } else if let message = snapshot.messages.last {
      note = Segment(message, bar)
    }
    // The keys get at least 60 % of the row; the note the rest, or more if
    // every key fits in less.
    let allHints = keyMap.statusBindings.reduce(1) {
      $0 + $1.shortKeysText.count + 1 + ($1.statusLabel?.count ?? 0) + 2
    }
    let noteWidth = min(note?.text.count ?? 0, max(grid.width - allHints - 1, grid.width * 2 / 5))
    let hints = Self.hints(keyMap, width: grid.width - noteWidth - 2)
    var x = 1
    for binding in hints {
      x += grid.put(text: binding.shortKeysText, at: Point(x: x, y: row), style: look.barKey)
      x += grid.put(text: " " + (binding.statusLabel ?? "") + "  ", at: Point(x: x, y: row), style: bar)
    }
    if let note, noteWidth > 0 {
      let text = note.text.truncatedAtWord(to: noteWidth)
      grid.put(text: text, at: Point(x: grid.width - text.count - 1, y: row), style: note.style)
    }
  }
}
