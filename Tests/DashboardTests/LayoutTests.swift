import Rendering
import Testing

@testable import Dashboard

/// Where panels go at the sizes users have, and what gives way when the
/// terminal is small.
@Suite struct LayoutTests {
  struct Case: Sendable, CustomTestStringConvertible {
    var width: Int
    var height: Int
    var racers: Int
    var panels: [PanelKind: Rect]
    var dropped: [PanelKind]
    var testDescription: String { "\(width)×\(height), \(racers) racers" }
  }

  static let cases: [Case] = [
    // One column: the chart keeps 14 rows and the table its 8; training and
    // memory would squeeze them, so they go.
    Case(
      width: 80, height: 24, racers: 6,
      panels: [
        .loss: Rect(x: 0, y: 1, width: 80, height: 14), .table: Rect(x: 0, y: 15, width: 80, height: 8),
      ],
      dropped: [.memory, .training]),
    // Two columns from 100 on: right column 38 % of the width.
    Case(
      width: 120, height: 40, racers: 6,
      panels: [
        .loss: Rect(x: 0, y: 1, width: 74, height: 30), .table: Rect(x: 0, y: 31, width: 74, height: 8),
        .training: Rect(x: 75, y: 1, width: 45, height: 22),
        .memory: Rect(x: 75, y: 23, width: 45, height: 16),
      ], dropped: []),
    Case(
      width: 200, height: 60, racers: 8,
      panels: [
        .loss: Rect(x: 0, y: 1, width: 127, height: 48), .table: Rect(x: 0, y: 49, width: 127, height: 10),
        .training: Rect(x: 128, y: 1, width: 72, height: 42),
        .memory: Rect(x: 128, y: 43, width: 72, height: 16),
      ], dropped: []),
    Case(
      width: 100, height: 30, racers: 6,
      panels: [
        .loss: Rect(x: 0, y: 1, width: 61, height: 20), .table: Rect(x: 0, y: 21, width: 61, height: 8),
        .training: Rect(x: 62, y: 1, width: 38, height: 14),
        .memory: Rect(x: 62, y: 15, width: 38, height: 14),
      ], dropped: []),
    // Tall and narrow: everything stacks.
    Case(
      width: 80, height: 50, racers: 6,
      panels: [
        .loss: Rect(x: 0, y: 1, width: 80, height: 14), .table: Rect(x: 0, y: 15, width: 80, height: 8),
        .training: Rect(x: 0, y: 23, width: 80, height: 10),
        .memory: Rect(x: 0, y: 33, width: 80, height: 16),
      ], dropped: []),
    // Short: the table shrinks to three rows before the chart goes below 7.
    Case(
      width: 80, height: 14, racers: 6,
      panels: [
        .loss: Rect(x: 0, y: 1, width: 80, height: 7), .table: Rect(x: 0, y: 8, width: 80, height: 5),
      ],
      dropped: [.memory, .training]),
    // Shorter still: the chart alone.
    Case(
      width: 60, height: 10, racers: 8, panels: [.loss: Rect(x: 0, y: 1, width: 60, height: 8)],
      dropped: [.memory, .training, .table]),
  ]

  @Test(arguments: cases)
  func panelRectangles(_ c: Case) {
    let layout = DashboardLayout.make(width: c.width, height: c.height, racers: c.racers)
    #expect(!layout.isTooSmall)
    #expect(layout.panels == c.panels)
    #expect(layout.dropped == c.dropped)
    #expect(layout.header == Rect(x: 0, y: 0, width: c.width, height: 1))
    #expect(layout.status == Rect(x: 0, y: c.height - 1, width: c.width, height: 1))
  }

  @Test(arguments: [(39, 24), (80, 9), (30, 8), (0, 0), (200, 5)])
  func tooSmall(width: Int, height: Int) {
    let layout = DashboardLayout.make(width: width, height: height, racers: 6)
    #expect(layout.isTooSmall)
    #expect(layout.panels.isEmpty)
    #expect(layout.header == nil)
  }

  @Test func minimumSizeIsUsable() {
    let layout = DashboardLayout.make(
      width: DashboardLayout.minimumWidth, height: DashboardLayout.minimumHeight, racers: 6)
    #expect(!layout.isTooSmall)
    #expect(layout.panels[.loss] != nil)
  }

  /// Over every size from the minimum up: panels are dropped only in the
  /// documented order, never overlap, stay between the header and the
  /// status line, and growing the terminal never drops more.
  @Test(arguments: [80, 99, 100, 160])
  func dropOrderAndGeometry(width: Int) {
    var previousCount = PanelKind.dropOrder.count
    for height in DashboardLayout.minimumHeight...70 {
      let layout = DashboardLayout.make(width: width, height: height, racers: 8)
      #expect(
        layout.dropped == Array(PanelKind.dropOrder.prefix(layout.dropped.count)), "at \(width)×\(height)")
      #expect(layout.dropped.count <= previousCount, "at \(width)×\(height)")
      previousCount = layout.dropped.count
      #expect(layout.panels[.loss] != nil)
      #expect(Set(layout.panels.keys).union(layout.dropped) == Set(PanelKind.allCases))
      let body = Rect(x: 0, y: 1, width: width, height: height - 2)
      let rects = Array(layout.panels.values) + layout.separators
      for (i, a) in rects.enumerated() {
        #expect(a.intersection(body) == a, "\(a) outside the body at \(width)×\(height)")
        for b in rects[(i + 1)...] { #expect(a.intersection(b).isEmpty, "\(a) overlaps \(b)") }
      }
      // Every row of the body is used by some panel in every column.
      let covered = rects.reduce(0) { $0 + $1.width * $1.height }
      #expect(covered == body.width * body.height, "gaps at \(width)×\(height)")
    }
  }
}
