/// Something that draws itself into a cell grid — a chart, heatmap, table.
///
/// A widget draws into the *whole* grid it is given, sizing itself to
/// `grid.width × grid.height`; place it on screen with
/// ``draw(into:in:)``, which hands it a region of a larger grid. Widgets are
/// values built fresh for each frame from immutable data, and drawing is
/// deterministic: the same widget and size give the same cells.
public protocol Widget {
  func draw(into grid: inout CellGrid)
}

extension Widget {
  /// Draws into the part of `grid` inside `rect` (clipped to the grid).
  public func draw(into grid: inout CellGrid, in rect: Rect) {
    grid.withRegion(rect) { draw(into: &$0) }
  }

  /// A new `width × height` grid with the widget drawn in it.
  public func rendered(width: Int, height: Int) -> CellGrid {
    var grid = CellGrid(width: width, height: height)
    draw(into: &grid)
    return grid
  }
}
