import Rendering

/// What the screen shows below the minimum size: the size it needs and the
/// size it has (btop's gate, used only after every panel has been dropped).
struct SizeNotice {
  var width: Int
  var height: Int
  var look: Look

  var lines: [String] {
    [
      "terminal too small",
      "have \(width)×\(height), need \(DashboardLayout.minimumWidth)×\(DashboardLayout.minimumHeight)",
      "enlarge the window · q quits",
    ]
  }

  func draw(into grid: inout CellGrid) {
    grid.fill(grid.bounds, style: look.text)
    let styles = [look.bad, look.text, look.dim]
    grid.putCentered(lines: Array(zip(lines, styles)), in: grid.bounds)
  }
}
