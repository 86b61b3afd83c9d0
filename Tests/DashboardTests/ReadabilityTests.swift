@testable import Dashboard
import Engine
@testable import Evaluation
import Foundation
import Rendering
import TerminalUI
import Testing

/// The screen read at a glance (issue 17, item 5): each problem a new user
/// met, rendered off-screen and checked.
@Suite struct ReadabilityTests {
  static func controller(
    _ snapshot: Snapshot = Fixtures.snapshot(), colorMode: ColorMode? = nil
  ) throws -> DashboardController {
    if let colorMode {
      return try DashboardController(engine: FakeEngine(snapshot), options: Fixtures.options(), colorMode: colorMode)
    }
    return try DashboardController(engine: FakeEngine(snapshot), options: Fixtures.options())
  }

  // MARK: Meta-loss smoothing

  /// TensorBoard's debiased EMA: the first value is kept, a constant stays
  /// constant, weight 0 is the raw curve, and NaN is passed through.
  @Test func emaIsDebiasedAndSkipsNaN() {
    #expect(TrainingPanel.smoothed([4, 4, 4], weight: 0.9).allSatisfy { abs($0 - 4) < 1e-12 })
    #expect(TrainingPanel.smoothed([1, 3], weight: 0) == [1, 3])
    let smoothed = TrainingPanel.smoothed([2, 0, .nan, 4], weight: 0.5)
    #expect(smoothed[0] == 2)
    #expect(abs(smoothed[1] - (0.5 * 0.5 * 2 + 0) / 0.75) < 1e-12)  // (0.5·(0.5·2) + 0.5·0)/(1 − 0.25)
    #expect(smoothed[2].isNaN)
    #expect(abs(smoothed[3] - (0.5 * (0.25 * 2 + 0) + 0.5 * 4) / 0.875) < 1e-12)
  }

  /// The panel draws the smoothed curve in the racer colour over the raw
  /// one in the faint colour; `e` steps the weight and 0 leaves the raw
  /// curve alone, in the racer colour.
  @Test func metaLossIsSmoothedOverTheFaintRawCurveAndEChangesIt() throws {
    var training = Fixtures.training
    training.iterations = Array(0..<60).map { $0 * 10 }
    training.metaLosses = (0..<60).map { 10 + ($0 % 2 == 0 ? 5 : -5) * 1.0 }  // a saw: noise around 10
    var controller = try Self.controller(Fixtures.snapshot(training: training))
    #expect(controller.state.smoothing == 0.9)
    let layout = DashboardLayout.make(width: 120, height: 40, racers: 6)
    let rect = try #require(layout.panels[.training])
    func colours(_ grid: CellGrid) -> (raw: Int, smooth: Int) {
      let panel = grid.subgrid(rect)
      let theme = Theme.default
      var raw = 0
      var smooth = 0
      for cell in panel.cells where cell.character.unicodeScalars.first.map({ (0x2801...0x28FF).contains($0.value) }) == true {
        if cell.style.foreground == theme.dimText { raw += 1 }
        if cell.style.foreground == theme.racerColor(0) { smooth += 1 }
      }
      return (raw, smooth)
    }
    let smoothed = colours(controller.render(width: 120, height: 40))
    #expect(smoothed.raw > 10 && smoothed.smooth > 10)
    #expect(controller.render(width: 120, height: 40).lines.contains { $0.contains("━ meta-loss (EMA)") })
    controller.handle(.character("e"))
    #expect(controller.state.smoothing == 0.99)
    controller.handle(.character("e"))
    #expect(controller.state.smoothing == 0)
    let raw = colours(controller.render(width: 120, height: 40))
    #expect(raw.raw == 0 && raw.smooth > 10)
  }

  /// Under NO_COLOR the raw curve is sparse dots, so fewer dots are lit
  /// than with the raw curve drawn solid in a colour that is not there.
  @Test func monochromeRawMetaLossIsSparse() throws {
    var training = Fixtures.training
    training.iterations = Array(0..<60).map { $0 * 10 }
    training.metaLosses = (0..<60).map { 10 + ($0 % 2 == 0 ? 5 : -5) * 1.0 }
    let snapshot = Fixtures.snapshot(training: training)
    let rect = try #require(DashboardLayout.make(width: 120, height: 40, racers: 6).panels[.training])
    func dots(_ controller: DashboardController) -> Int {
      controller.render(width: 120, height: 40).subgrid(rect).cells.reduce(0) { total, cell in
        guard let scalar = cell.character.unicodeScalars.first, (0x2800...0x28FF).contains(scalar.value) else {
          return total
        }
        return total + (scalar.value - 0x2800).nonzeroBitCount
      }
    }
    let colour = dots(try Self.controller(snapshot))
    let mono = dots(try Self.controller(snapshot, colorMode: .monochrome))
    #expect(mono < colour, "monochrome \(mono) dots, colour \(colour)")
  }

  // MARK: The convergence table

  /// At the defaults α is the same for everyone and no racer reaches the
  /// tolerance: both columns give way; a race where they differ shows them.
  @Test func uninformativeColumnsGiveWay() {
    func summaries(alphas: [Double?], reach: [Int?]) -> [RacerSummary] {
      zip(alphas, reach).enumerated().map { index, pair in
        var estimates = ConvergenceEstimates(curve: ErrorCurve(errors: [1, 0.5, 0.25], floor: 1e-30), tolerance: .relative(1e-3))
        estimates.proposalOrder = pair.0
        estimates.stepsToTolerance = pair.1
        return RacerSummary(
          name: "r\(index)", learningRate: 0.1, stepLabel: "0.1", finalMeanLoss: 1, finalGeometricMeanLoss: 1,
          finalMeanError: 1, estimates: estimates, rank: index + 1, divergedAt: nil)
      }
    }
    let defaults = ConvergencePanel.columnSpecs(for: summaries(alphas: [1.01, 1.01, 1.02], reach: [nil, nil, nil]))
      .map(\.column.header)
    #expect(!defaults.contains("α") && !defaults.contains("→tol"))
    #expect(defaults.starts(with: ["final loss", "±95%", "rank", "geo", "→best", "t/step"]))
    let differing = ConvergencePanel.columnSpecs(for: summaries(alphas: [1.0, 1.6, 2.0], reach: [nil, 12, nil]))
      .map(\.column.header)
    #expect(differing.contains("α") && differing.contains("→tol"))
  }

  /// The new columns at the fixture: the interval 1.96·0.2·loss/√4, the
  /// geometric-mean rank (slow is second by it, fourth by the mean), steps
  /// to the best baseline's final loss, and the time per update.
  @Test func tableShowsWhatDiffersBetweenRacers() {
    let state = DashboardState()
    let rows = ConvergencePanel(snapshot: Fixtures.snapshot(), state: state, look: Look(state: state)).rows()
    let byName = Dictionary(uniqueKeysWithValues: rows.map { ($0[1].text, $0.map(\.text)) })
    // # racer step final ±95% rank geo →best t/step μ q
    #expect(byName["slow"]?[3...7] == ["1.22", "0.238", "4", "2", "—"])
    #expect(byName["fast"]?[6...8] == ["3", "20", "2.00µs"])
    #expect(byName["exact"]?[5...8] == ["1", "1", "10", "1.50ms"])
    #expect(byName["wild"]?[4...8] == ["—", "6", "6", "—", "2.00µs"])
  }

  /// While racing 0/100 no racer has a loss: no ranks (—), not 1–6.
  @Test func racersWithoutResultsAreNotRanked() {
    let empty = Fixtures.traces.map { RacerTrace(name: $0.name, learningRate: $0.learningRate) }
    let snapshot = Fixtures.snapshot(traces: empty)
    #expect(snapshot.summaries.allSatisfy { $0.rank == 0 && $0.geometricRank == 0 })
    let state = DashboardState()
    let rows = ConvergencePanel(snapshot: snapshot, state: state, look: Look(state: state)).rows()
    #expect(rows.allSatisfy { $0[5].text == "—" && $0[6].text == "—" })
    #expect(ProgressLog.lines(for: snapshot).dropFirst().allSatisfy { $0.hasPrefix("  — ") || $0.hasPrefix("  note") })
  }

  /// Huge and tiny values keep to at most eight characters, so a diverged
  /// racer's μ of 6.3e13 does not widen its column.
  @Test(arguments: [
    (62680444384388.258, "6.27e13"), (-1e300, "-1e300"), (1e-300, "1e-300"), (0.987654, "0.988"),
    (999.9, "999.900"), (1234.5, "1234"), (1e-5, "1e-5"), (Double.nan, "nan"), (Double.infinity, "inf"),
  ])
  func fixedWidthNumbersSurviveExtremes(value: Double, text: String) {
    let shown = NumberFormat.fixed(value, decimals: 3)
    #expect(shown == text)
    #expect(shown.count <= 8)
  }

  @Test func hugeRateKeepsTheTableAligned() throws {
    var traces = Fixtures.traces
    // A rate estimate of 6e13: every step multiplies the error by it.
    traces[4] = Fixtures.trace("boom", rate: 0.1) { pow(62680444384388.258, Double(min($0, 2))) * 1e-20 + 1 }
    let lines = try Self.controller(Fixtures.snapshot(traces: traces)).render(width: 80, height: 24).lines
    let header = try #require(lines.firstIndex { $0.hasPrefix("# racer") })
    let table = lines[header..<(header + 7)]
    let widths = Set(table.map { $0.trimmingSuffixSpaces().count })
    #expect(widths.count <= 2, "rows of one width (the header may be shorter): \(table)")
  }

  // MARK: Fitting the width

  /// A long engine message is cut at a word, never mid-word.
  @Test func statusNoteIsCutAtAWord() throws {
    let snapshot = Fixtures.snapshot(messages: [
      "race 1 on quadratic: 20 held-out instances, seeds 0–19, see docs/convergence.md for the estimators"
    ])
    let status = try #require(try Self.controller(snapshot).render(width: 120, height: 40).lines.last)
    let note = try #require(status.components(separatedBy: "  ").last?.trimmingCharacters(in: .whitespaces))
    #expect(note.hasSuffix("…"))
    let kept = String(note.dropLast())
    #expect("race 1 on quadratic: 20 held-out instances, seeds 0–19, see docs/convergence.md for the estimators"
      .contains(kept + " "), "cut mid-word: \(note)")
  }

  @Test(arguments: [("race 1 on quadratic, see more", 14, "race 1 on…"), ("abc def", 7, "abc def"),
                    ("abcdefghij", 5, "abcd…"), ("a · b · c", 6, "a · b…")])
  func truncationAtWords(text: String, width: Int, expected: String) {
    #expect(text.truncatedAtWord(to: width) == expected)
  }

  /// The training panel's stats line keeps whole parts (`val 11`, not `val…`).
  @Test func trainingStatsKeepWholeParts() {
    let panel = TrainingPanel(snapshot: Fixtures.snapshot(), look: Look(theme: .default))
    let full = panel.statsLine
    #expect(full == "it 1,234 · 2.50 it/s · 1:05 · meta 9 · val 11")
    #expect(panel.statsLine(width: 40) == "it 1,234 · 2.50 it/s · 1:05 · meta 9")
    #expect(panel.statsLine(width: full.count) == full)
  }

  // MARK: Small and plain terminals

  /// 80×24 with seven racers: the loss chart still has its legend (in two
  /// columns when one is too tall).
  @Test func legendAt80x24WithSevenRacers() throws {
    let traces = Fixtures.traces + [Fixtures.trace("lstm", rate: nil) { 8 * pow(0.7, Double($0)) }]
    let lines = try Self.controller(Fixtures.snapshot(traces: traces)).render(width: 80, height: 24).lines
    for name in ["1 fast", "2 slow", "3 wild", "4 exact", "5 steady", "6 flat", "7 lstm"] {
      #expect(lines.contains { $0.contains("━ " + name) }, "legend lacks \(name)")
    }
  }

  /// NO_COLOR: each racer's curve has its own dash pattern and the legend
  /// its own swatch, so seven curves can be told apart without colour.
  @Test func monochromeCurvesHaveDistinctStrokes() throws {
    let traces = Fixtures.traces + [Fixtures.trace("lstm", rate: nil) { 8 * pow(0.7, Double($0)) }]
    let snapshot = Fixtures.snapshot(traces: traces)
    let lines = try Self.controller(snapshot, colorMode: .monochrome).render(width: 120, height: 40).lines
    let swatches = DashPattern.distinct.map(\.swatch)
    #expect(Set(swatches).count == 7)
    for (index, name) in ["1 fast", "2 slow", "3 wild", "4 exact", "5 steady", "6 flat", "7 lstm"].enumerated() {
      #expect(lines.contains { $0.contains("\(swatches[index]) \(name)") }, "legend lacks \(swatches[index]) \(name)")
    }
    // The strokes differ on the canvas too: a dashed line lights fewer dots.
    var solid = DotCanvas(width: 20, height: 1, glyphs: .braille)
    var dashed = solid
    var phase = 0
    solid.line(from: (x: 0, y: 0), to: (x: 39, y: 0), color: .default)
    dashed.line(from: (x: 0, y: 0), to: (x: 39, y: 0), color: .default, dash: DashPattern.distinct(1), phase: &phase)
    func count(_ canvas: DotCanvas) -> Int { (0..<40).filter { canvas.isSet(x: $0, y: 0) }.count }
    #expect(count(solid) == 40)
    #expect(count(dashed) < 40 && count(dashed) > 0)
  }

  /// 20×6: the whole size notice, each size unbroken.
  @Test func sizeNoticeAt20x6() throws {
    let lines = try Self.controller().render(width: 20, height: 6).lines.map(FrameGoldenTests.trimmed)
    #expect(lines == [
      " terminal too small",
      "     have 20×6,",
      "     need 40×10",
      " enlarge the window",
      "     · q quits",
      "",
    ])
  }

  @Test(arguments: [("dumb", true), ("unknown", true), ("DUMB", true), ("xterm-256color", false), ("", false)])
  func terminalsWithoutCursorAddressing(term: String, lacks: Bool) {
    #expect(TerminalKind.lacksCursorAddressing(term: term) == lacks)
  }

  // MARK: Side by side and the time axis

  /// Linear y side by side: each chart fits its own range, so the fast
  /// curves are not flattened to the floor by the slow ones.
  @Test func linearSideBySideDoesNotFlattenCurves() throws {
    var controller = try Self.controller()
    controller.handle(.character("s"))
    controller.handle(.character("y"))
    #expect(!controller.state.logY)
    let lines = controller.render(width: 120, height: 40).lines
    #expect(lines.contains { $0.contains("own y axes") })
    // "1 fast" decays from 10 to 1e-5: on its own axis it spans several rows.
    let layout = DashboardLayout.make(width: 120, height: 40, racers: 6)
    let rect = try #require(layout.panels[.loss])
    let panel = controller.render(width: 120, height: 40).subgrid(rect)
    let fast = Theme.default.racerColor(0)
    var rows = Set<Int>()
    for y in 0..<panel.height {
      for x in 0..<panel.width where panel[x, y].style.foreground == fast && panel[x, y].character != "━" {
        if panel[x, y].character.unicodeScalars.first.map({ (0x2801...0x28FF).contains($0.value) }) == true { rows.insert(y) }
      }
    }
    #expect(rows.count >= 3, "fast spans \(rows.count) rows")
  }

  /// `X` plots loss against the cumulative update time: the title says so,
  /// and the learned racer (1.5 ms a step) stretches 750× further right
  /// than a 2 µs baseline.
  @Test func timeAxisShowsTheCostOfEachStep() throws {
    var controller = try Self.controller()
    controller.handle(.character("X"))
    #expect(controller.state.timeAxis)
    let lines = controller.render(width: 120, height: 40).lines
    #expect(lines[1].contains("x: update time (s)"))
    let line = try #require(Fixtures.snapshot().racerLines(metric: .meanLoss, theme: .default, hidden: []).first { $0.name == "exact" })
    let series = line.series(mark: "✗", timeAxis: true)
    #expect(abs((series.xs.last ?? 0) - 20 * 1.5e-3) < 1e-12)
    controller.handle(.character("X"))
    #expect(controller.render(width: 120, height: 40).lines[1].contains("lin x"))
  }
}

extension String {
  fileprivate func trimmingSuffixSpaces() -> String {
    var s = self
    while s.hasSuffix(" ") { s.removeLast() }
    return s
  }
}
