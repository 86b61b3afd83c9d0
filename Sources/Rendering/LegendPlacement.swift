/// Where a chart puts its legend.
public enum LegendPlacement: Hashable, Sendable, CaseIterable {
  /// The corner whose cells hold the fewest plotted dots; ties go to
  /// top-right, top-left, bottom-right, bottom-left, in that order.
  case auto
  case topLeft
  case topRight
  case bottomLeft
  case bottomRight
  case hidden
}
