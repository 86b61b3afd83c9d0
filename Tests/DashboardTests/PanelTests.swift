import Engine
import Evaluation
import Foundation
import Optimizers
import Rendering
import Testing

@testable import Dashboard

/// Single panels and behaviours that goldens would only show indirectly.
@Suite struct PanelTests {
  static let theme = Theme.default

  static func region(_ grid: CellGrid, _ rect: Rect) -> CellGrid { grid.subgrid(rect) }

  /// Cells of `grid` inside `rect` drawn in `color` with a braille glyph.
  static func brailleCells(in grid: CellGrid, color: Color) -> Int {
    grid.cells.filter { cell in
      let v = cell.character.unicodeScalars.first?.value ?? 0
      return (0x2801...0x28FF).contains(v) && cell.style.foreground == color
    }.count
  }

  @Test func togglingARacerHidesItsCurveAndLegendEntry() throws {
    let engine = FakeEngine(Fixtures.snapshot())
    var controller = try DashboardController(engine: engine, options: Fixtures.options())
    let layout = DashboardLayout.make(width: 120, height: 40, racers: 6)
    let chartRect = try #require(layout.panels[.loss])
    let before = controller.render(width: 120, height: 40)
    let chart = before.subgrid(chartRect)
    let slow = Self.theme.racerColor(1)
    #expect(Self.brailleCells(in: chart, color: slow) > 10)
    #expect(chart.lines.contains { $0.contains("━ 2 slow") })

    controller.handle(.character("2"))
    let after = controller.render(width: 120, height: 40)
    let hiddenChart = after.subgrid(chartRect)
    #expect(Self.brailleCells(in: hiddenChart, color: slow) == 0)
    #expect(!hiddenChart.lines.contains { $0.contains("slow") })
    // The others are still drawn.
    #expect(Self.brailleCells(in: hiddenChart, color: Self.theme.racerColor(0)) > 10)
    // The table keeps the row, marked and dimmed.
    let table = after.subgrid(try #require(layout.panels[.table]))
    let row = try #require(table.lines.firstIndex { $0.hasPrefix("2 slow (hidden)") })
    #expect(table[2, row].style.foreground == Self.theme.dimText)

    controller.handle(.character("2"))
    // Back as it was, but for the status line's note ("slow shown").
    let again = controller.render(width: 120, height: 40)
    #expect(Array(again.lines.dropLast()) == Array(before.lines.dropLast()))
  }

  @Test func allHiddenSaysHowToGetThemBack() throws {
    var controller = try DashboardController(
      engine: FakeEngine(Fixtures.snapshot()), options: Fixtures.options())
    for digit in 1...6 { controller.handle(.character(Character(String(digit)))) }
    let lines = controller.render(width: 80, height: 24).lines
    #expect(lines.contains { $0.contains("all 6 racers hidden") })
    #expect(lines.contains { $0.contains("press 0 to show them") })
  }

  /// A loss of exactly 0 on a log axis is drawn at the floor and flagged;
  /// on a linear axis there is nothing to flag.
  @Test func zeroOnLogAxisIsFlaggedNotDropped() throws {
    let exact = Fixtures.traces[3]
    let snapshot = Fixtures.snapshot(traces: [exact])
    var state = DashboardState()
    var grid = CellGrid(width: 60, height: 14)
    LossPanel(snapshot: snapshot, state: state, look: Look(state: state)).draw(into: &grid)
    #expect(grid.lines[0].contains("y≤0 clamped"))
    let note = try #require(grid.lines[0].range(of: "y≤0 clamped"))
    let column = grid.lines[0].distance(from: grid.lines[0].startIndex, to: note.lowerBound)
    #expect(grid[column, 0].style.foreground == Self.theme.bad)
    // The zeros sit on the bottom plot row (above the axis and labels).
    let floorRow = grid.height - 3
    #expect(
      Self.brailleCells(
        in: grid.subgrid(Rect(x: 0, y: floorRow, width: 60, height: 1)), color: Self.theme.racerColor(0)) > 5)

    state.logY = false
    grid = CellGrid(width: 60, height: 14)
    LossPanel(snapshot: snapshot, state: state, look: Look(state: state)).draw(into: &grid)
    #expect(!grid.lines[0].contains("clamped"))
  }

  @Test func divergedRacerIsMarked() throws {
    let snapshot = Fixtures.snapshot()
    let state = DashboardState()
    let panel = ConvergencePanel(snapshot: snapshot, state: state, look: Look(state: state))
    let wild = panel.rows()[2]
    #expect(wild[1].text == "wild")
    #expect(wild[3].text == "✗ t=6")
    #expect(wild[3].style == Self.theme.badStyle)
    #expect(wild[5].text == "6")  // ranked last
    #expect(wild[4].text == "—")  // no interval on a diverged racer's loss
    var grid = CellGrid(width: 80, height: 9)
    panel.draw(into: &grid)
    #expect(grid.lines[0].contains("1 diverged"))
  }

  @Test func tableUsesRacerColoursAndMarksTheWinner() {
    let snapshot = Fixtures.snapshot()
    let state = DashboardState()
    let rows = ConvergencePanel(snapshot: snapshot, state: state, look: Look(state: state)).rows()
    for (index, row) in rows.enumerated() {
      #expect(row[1].style?.foreground == Self.theme.racerColor(index))
    }
    #expect(rows[3][5].text == "1")
    #expect(rows[3][5].style == Self.theme.goodStyle)
    #expect(rows[3][2].text == "learned")  // no learning rate: a learned optimizer
  }

  struct RatioCase: Sendable {
    var a: [Double]
    var b: [Double]
    var ratio: [Double]
    var undefined: Int
  }

  @Test(arguments: [
    RatioCase(a: [2, 4, 6], b: [1, 2, 3], ratio: [2, 2, 2], undefined: 0),
    RatioCase(a: [1, 1, .nan, 1], b: [2, 0, 1, .infinity], ratio: [0.5, .nan, .nan, .nan], undefined: 3),
    RatioCase(a: [0, 3], b: [5, -3], ratio: [0, -1], undefined: 0),
    RatioCase(a: [1, 2, 3], b: [1], ratio: [1], undefined: 0),
  ])
  func compareRatio(_ c: RatioCase) {
    let result = ComparePanel.ratio(c.a, c.b)
    #expect(result.undefined == c.undefined)
    #expect(result.values.count == c.ratio.count)
    for (x, y) in zip(result.values, c.ratio) {
      #expect(x == y || (x.isNaN && y.isNaN))
    }
  }

  /// Compare mode: the two racers' curves, the ratio chart with its
  /// parity line, and the undefined steps counted where B's loss is 0.
  @Test func compareModeShowsCurvesAndRatio() throws {
    var controller = try DashboardController(
      engine: FakeEngine(Fixtures.snapshot()), options: Fixtures.options())
    controller.handle(.character("v"))
    controller.handle(.character("a"))  // A: steady (4) — B stays fast (0)
    let frame = controller.render(width: 80, height: 40)
    let loss = try #require(DashboardLayout.make(width: 80, height: 40, racers: 6).panels[.loss])
    let lines = frame.subgrid(loss).lines
    #expect(lines[0].hasPrefix("compare · A steady vs B fast"))
    #expect(lines.contains { $0.contains("━ 5 steady") })
    #expect(lines.contains { $0.contains("━ 1 fast") })
    #expect(!lines.contains { $0.contains("slow") })
    #expect(lines.contains { $0.hasPrefix("ratio steady/fast (< 1: steady ahead)") })

    // B = exact, whose loss reaches 0 at t = 10: 11 undefined ratios.
    var state = controller.state
    state.compareA = 4
    state.compareB = 3
    var grid = CellGrid(width: 80, height: 30)
    ComparePanel(snapshot: Fixtures.snapshot(), state: state, look: Look(state: state)).draw(into: &grid)
    #expect(grid.lines.contains { $0.contains("undefined at 11 steps") })
  }

  @Test func compareNeedsTwoRacers() {
    let snapshot = Fixtures.snapshot(traces: [Fixtures.traces[0]])
    var state = DashboardState()
    state.view = .compare
    var grid = CellGrid(width: 60, height: 12)
    ComparePanel(snapshot: snapshot, state: state, look: Look(state: state)).draw(into: &grid)
    #expect(grid.lines.contains { $0.contains("compare needs a race with two racers") })
  }

  @Test func sideBySideDrawsOneChartPerVisibleRacer() throws {
    var controller = try DashboardController(
      engine: FakeEngine(Fixtures.snapshot()), options: Fixtures.options())
    controller.handle(.character("s"))
    controller.handle(.character("6"))
    let loss = try #require(DashboardLayout.make(width: 120, height: 40, racers: 6).panels[.loss])
    let lines = controller.render(width: 120, height: 40).subgrid(loss).lines
    for title in ["1 fast", "2 slow", "3 wild ✗ diverged at t=6", "4 exact", "5 steady"] {
      #expect(lines.contains { $0.contains(title) }, "missing \(title)")
    }
    #expect(!lines.contains { $0.contains("6 flat") })
    #expect(lines[0].hasPrefix("side by side · mean loss f(θ_t)"))
  }

  @Test(arguments: [(5, 60, 20), (8, 127, 48), (1, 80, 14), (3, 40, 9)])
  func smallMultipleColumns(count: Int, width: Int, height: Int) {
    let columns = SideBySidePanel.columns(count: count, width: width, height: height)
    #expect((1...count).contains(columns))
    if count > 1 {
      let panelWidth = (width - (columns - 1)) / columns
      #expect(panelWidth >= 16)
    }
  }

  @Test func lstmMemoryShowsEachLayer() {
    let snapshot = Fixtures.snapshot(memory: Fixtures.lstm)
    var grid = CellGrid(width: 50, height: 8)
    MemoryPanel(snapshot: snapshot, look: Look(theme: .default)).draw(into: &grid)
    #expect(grid.lines[0].hasPrefix("memory · LSTM hidden state"))
    #expect(grid.lines[1].hasPrefix("layer 1"))
    #expect(grid.lines[1].contains("layer 2"))
    // 8 coordinates in half blocks: 4 rows of heatmap under the labels.
    #expect(grid.lines[2].contains("█") || grid.lines[2].contains("▀"))
    #expect(grid.lines[5].contains("█") || grid.lines[5].contains("▀"))
    #expect(grid.lines[6].trimmingCharacters(in: .whitespaces).isEmpty)
  }

  @Test func dncMemoryUsesDivergingMapForMAndFixedRangeForStrips() {
    var grid = CellGrid(width: 50, height: 11)
    MemoryPanel(snapshot: Fixtures.snapshot(memory: .dnc(Fixtures.dnc)), look: Look(theme: .default))
      .draw(into: &grid)
    #expect(grid.lines[0].contains("M ±1.88"))
    // Write weighting one-hot at slot 3: the lower half of text row 1
    // (slots 2, 3) is the top of the ramp, the rest the bottom.
    let w = 19
    #expect(grid[w, 1].character == "w")
    let top = Theme.default.ramp[4]
    let bottom = Theme.default.ramp[0]
    #expect(grid[w, 3].style.background == top || grid[w, 3].style.foreground == top)
    #expect(grid[w, 2].style.foreground == bottom)
  }

  /// Secant words have named components: the title says so, a digit sits
  /// over each component's two columns and the last row is their legend;
  /// a learned code (no names) keeps the plain "M" label and no legend.
  @Test func secantMemoryNamesItsComponents() {
    var view = Fixtures.dnc
    view.content = .secant
    var grid = CellGrid(width: 80, height: 11)
    MemoryPanel(snapshot: Fixtures.snapshot(memory: .dnc(view)), look: Look(theme: .default)).draw(into: &grid)
    #expect(grid.lines[0].contains("memory · DNC 16×8 · secant"))
    // The colour scale of M survives at the dashboard's panel width.
    var narrow = CellGrid(width: 53, height: 11)
    MemoryPanel(snapshot: Fixtures.snapshot(memory: .dnc(view)), look: Look(theme: .default)).draw(into: &narrow)
    #expect(narrow.lines[0].contains("M ±1.88"), "\(narrow.lines[0])")
    #expect(grid.lines[1].hasPrefix("1 2 3 4 5 6 7 8"))
    // 90 columns of legend: two rows at 80.
    #expect(grid.lines[9].hasPrefix("1 cos(s,y)  2 cos(g,g')"))
    #expect(grid.lines[10].hasSuffix("8 written") || grid.lines[10].contains("8 written"))
    #expect(grid.lines[2].contains("▀") && grid.lines[8].trimmingCharacters(in: .whitespaces).isEmpty)

    grid = CellGrid(width: 80, height: 11)
    MemoryPanel(snapshot: Fixtures.snapshot(memory: .dnc(Fixtures.dnc)), look: Look(theme: .default)).draw(into: &grid)
    #expect(!grid.lines[0].contains("secant"))
    #expect(grid.lines[1].hasPrefix("M "))
    #expect(!grid.lines.contains { $0.contains("cos(s,y)") })
  }

  @Test func noLearnedOptimizerSaysSo() {
    let snapshot = Fixtures.snapshot(training: TrainingStatus(architecture: nil, objective: "none"))
    var grid = CellGrid(width: 40, height: 8)
    TrainingPanel(snapshot: snapshot, look: Look(theme: .default)).draw(into: &grid)
    #expect(grid.lines.contains { $0.contains("no learned optimizer in this run") })
    grid = CellGrid(width: 40, height: 8)
    MemoryPanel(snapshot: snapshot, look: Look(theme: .default)).draw(into: &grid)
    #expect(grid.lines.contains { $0.contains("no learned optimizer in this run") })
  }

  @Test func trainingStatsLine() {
    let panel = TrainingPanel(snapshot: Fixtures.snapshot(), look: Look(theme: .default))
    #expect(panel.statsLine == "it 1,234 · 2.50 it/s · 1:05 · meta 9 · val 11")
    var grid = CellGrid(width: 50, height: 12)
    panel.draw(into: &grid)
    #expect(grid.lines[0].hasPrefix("meta-training · lstm"))
    #expect(grid.lines[0].contains("objective loss-sum"))
    #expect(grid.lines[1].hasPrefix(panel.statsLine))
    #expect(grid.lines.contains { $0.contains("━ meta-loss") })
    #expect(grid.lines.contains { $0.contains("━ validation") })
  }

  /// NO_COLOR: colour disappears, so bars and the selected row carry
  /// reverse video and warnings bold underline.
  @Test func monochromeUsesAttributes() throws {
    let engine = FakeEngine(Fixtures.snapshot())
    let controller = try DashboardController(
      engine: engine, options: Fixtures.options(), colorMode: .monochrome)
    #expect(controller.state.monochrome)
    let grid = controller.render(width: 80, height: 24)
    #expect(grid[1, 23].style.attributes.contains(.reverse))
    #expect(grid[1, 0].style.attributes.contains(.reverse))
    let note = try #require(grid.lines[1].range(of: "y≤0 clamped"))
    let column = grid.lines[1].distance(from: grid.lines[1].startIndex, to: note.lowerBound)
    #expect(grid[column, 1].style.attributes.isSuperset(of: [.bold, .underline]))
  }

  @Test func waitingForTheFirstRace() throws {
    let snapshot = Snapshot(sequence: 1, problemName: "lasso", phase: .tuning(progress: 0.4))
    let lines = try DashboardController(engine: FakeEngine(snapshot), options: Fixtures.options())
      .render(width: 80, height: 24).lines
    #expect(lines[0].hasPrefix(" mnemo · lasso · tuning baselines 40%"))
    #expect(lines.contains { $0.contains("waiting for the first race…") })
  }

  @Test func failedPhaseShowsTheMessage() throws {
    let snapshot = Fixtures.snapshot(phase: .failed("MNIST files missing: pass --mnist DIR"))
    let lines = try DashboardController(engine: FakeEngine(snapshot), options: Fixtures.options())
      .render(width: 120, height: 30).lines
    #expect(lines[0].contains("failed"))
    #expect(lines[29].contains("MNIST files missing: pass --mnist DIR"))
  }
}
