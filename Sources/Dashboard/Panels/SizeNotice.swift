import Rendering

/// What the screen shows below the minimum size: the size it needs and the
/// size it has (btop's gate, used only after every panel has been dropped).
struct SizeNotice {
  var width: Int
  var height: Int
  var look: Look

  /// The notice's three statements, each as phrases that may wrap apart
  /// but are never cut: the sizes are what the notice is for.
  var statements: [[String]] {
    [
      ["terminal", "too small"],
      ["have \(width)×\(height),", "need \(DashboardLayout.minimumWidth)×\(DashboardLayout.minimumHeight)"],
      ["enlarge the window", "· q quits"],
    ]
  }

  /// The lines shown, with their styles: each statement on one line when
  /// it fits, else wrapped between phrases; at a height too short for all,
  /// the hint goes first, then the first statement, so the sizes stay.
  var styledLines: [(String, Style)] {
    let styles = [look.bad, look.text, look.dim]
    var blocks = zip(statements, styles).map { phrases, style in
      String.wrapping(phrases, width: width).map { ($0, style) }
    }
    while blocks.count > 1, blocks.map(\.count).reduce(0, +) > height {
      blocks.remove(at: blocks.count == 3 ? 2 : 0)
    }
    return blocks.flatMap { $0 }
  }

  var lines: [String] { styledLines.map(\.0) }

  func draw(into grid: inout CellGrid) {
    grid.fill(grid.bounds, style: look.text)
    grid.putCentered(lines: styledLines, in: grid.bounds)
  }
}
