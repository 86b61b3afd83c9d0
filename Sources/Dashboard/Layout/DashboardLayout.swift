import Rendering

/// Where each panel goes for a terminal of a given size.
///
/// **Rows.** Row 0 is the header bar and the last row the status line; the
/// panels share the rows between.
///
/// **Columns.** From ``twoColumnWidth`` columns on, the screen splits: the
/// loss chart over the convergence table on the left, the meta-training
/// panel over the memory panel on the right (about 38 % of the width, 36–72
/// columns), with a rule between. Narrower terminals stack every panel in
/// one column in that order.
///
/// **Dropping.** A set of panels is used only if each gets its minimum
/// height; where the loss chart shares a column with other panels it must
/// keep ``comfortableLossHeight`` rows and the table its full height, so
/// the headline panels are never squeezed to make room for secondary ones.
/// Otherwise panels are dropped in ``PanelKind/dropOrder`` (memory,
/// training, table) until the rest fit; the loss chart is never dropped.
///
/// **Too small.** Below ``minimumWidth`` × ``minimumHeight`` nothing fits
/// legibly: the screen then says which size it needs and how big the
/// terminal is.
public struct DashboardLayout: Sendable, Equatable {
  public static let minimumWidth = 40
  public static let minimumHeight = 10
  public static let twoColumnWidth = 100
  /// Rows the loss chart keeps when it shares its column.
  public static let comfortableLossHeight = 12
  static let lossMinimum = 7
  static let trainingMinimum = 6
  static let memoryMinimum = 8
  static let memoryPreferred = 16

  public var width: Int
  public var height: Int
  /// Whether the terminal is below the minimum size (no panels then).
  public var isTooSmall: Bool
  public var header: Rect?
  public var status: Rect?
  public var panels: [PanelKind: Rect]
  /// Panels left out for lack of room, in drop order.
  public var dropped: [PanelKind]
  /// Vertical rules between columns.
  public var separators: [Rect]

  /// The rows the convergence table wants: title, header and one per racer.
  public static func tableHeight(racers: Int) -> Int { 2 + max(1, racers) }

  /// The layout for a `width × height` terminal and a race of `racers`.
  public static func make(width: Int, height: Int, racers: Int) -> DashboardLayout {
    var layout = DashboardLayout(
      width: width, height: height, isTooSmall: false, header: nil, status: nil, panels: [:], dropped: [],
      separators: [])
    guard width >= minimumWidth, height >= minimumHeight else {
      layout.isTooSmall = true
      return layout
    }
    layout.header = Rect(x: 0, y: 0, width: width, height: 1)
    layout.status = Rect(x: 0, y: height - 1, width: width, height: 1)
    let body = Rect(x: 0, y: 1, width: width, height: height - 2)
    for dropCount in 0...PanelKind.dropOrder.count {
      let dropped = Array(PanelKind.dropOrder.prefix(dropCount))
      let shown = Set(PanelKind.allCases).subtracting(dropped)
      let last = dropCount == PanelKind.dropOrder.count - 1
      if let placed = arrange(shown, in: body, racers: racers, relaxed: last) {
        layout.panels = placed.panels
        layout.separators = placed.separators
        layout.dropped = dropped
        return layout
      }
    }
    layout.panels = [.loss: body]
    layout.dropped = PanelKind.dropOrder
    return layout
  }

  /// Places `shown`, or `nil` if they do not fit. `relaxed` lets the loss
  /// chart and table shrink to their bare minimums (the last set tried
  /// before the chart is left alone).
  private static func arrange(
    _ shown: Set<PanelKind>, in body: Rect, racers: Int, relaxed: Bool
  ) -> (panels: [PanelKind: Rect], separators: [Rect])? {
    let side = [PanelKind.training, .memory].filter(shown.contains)
    let table = shown.contains(.table)
    if !side.isEmpty && body.width >= twoColumnWidth {
      let rightWidth = min(72, max(36, body.width * 38 / 100))
      let (left, rest) = body.splitLeft(body.width - rightWidth - 1)
      let (rule, right) = rest.splitLeft(1)
      guard let leftPanels = stack(main: table ? [.table] : [], in: left, racers: racers, relaxed: false),
        let rightPanels = stackSide(side, in: right)
      else { return nil }
      return (leftPanels.merging(rightPanels) { a, _ in a }, [rule])
    }
    guard let panels = stack(main: (table ? [.table] : []) + side, in: body, racers: racers, relaxed: relaxed)
    else { return nil }
    return (panels, [])
  }

  /// The loss chart on top of `others` (table, training, memory) in one
  /// column; the chart takes what the others leave.
  private static func stack(
    main others: [PanelKind], in column: Rect, racers: Int, relaxed: Bool
  ) -> [PanelKind: Rect]? {
    var heights: [PanelKind: Int] = [:]
    for panel in others {
      switch panel {
      case .table:
        heights[panel] =
          relaxed ? min(tableHeight(racers: racers), 2 + min(racers, 3)) : tableHeight(racers: racers)
      case .training: heights[panel] = trainingMinimum
      case .memory: heights[panel] = memoryMinimum
      case .loss: break
      }
    }
    let lossNeeds = others.isEmpty || relaxed ? lossMinimum : comfortableLossHeight
    var lossHeight = column.height - heights.values.reduce(0, +)
    guard lossHeight >= lossNeeds else { return nil }
    // Spare rows beyond the chart's comfort go first to the secondary
    // panels, up to what they can use, then back to the chart.
    for panel in others where panel != .table && lossHeight > comfortableLossHeight {
      let wanted = panel == .memory ? memoryPreferred : 10
      let extra = min(lossHeight - comfortableLossHeight, max(0, wanted - (heights[panel] ?? 0)))
      heights[panel, default: 0] += extra
      lossHeight -= extra
    }
    if relaxed, let table = heights[.table] {
      let extra = min(max(0, lossHeight - comfortableLossHeight), tableHeight(racers: racers) - table)
      heights[.table] = table + extra
      lossHeight -= extra
    }
    var result: [PanelKind: Rect] = [:]
    var rest = column
    (result[.loss], rest) = rest.splitTop(lossHeight)
    for panel in others {
      (result[panel], rest) = rest.splitTop(heights[panel] ?? 0)
    }
    return result
  }

  /// The right column: training above memory, memory getting up to its
  /// preferred height and the training chart the rest.
  private static func stackSide(_ panels: [PanelKind], in column: Rect) -> [PanelKind: Rect]? {
    switch (panels.contains(.training), panels.contains(.memory)) {
    case (true, true):
      guard column.height >= trainingMinimum + memoryMinimum else { return nil }
      let memory = max(memoryMinimum, min(memoryPreferred, column.height - 10, column.height / 2))
      let (training, rest) = column.splitTop(column.height - memory)
      return [.training: training, .memory: rest]
    case (true, false):
      guard column.height >= trainingMinimum else { return nil }
      return [.training: column]
    case (false, true):
      guard column.height >= memoryMinimum else { return nil }
      return [.memory: column]
    case (false, false):
      return [:]
    }
  }
}
