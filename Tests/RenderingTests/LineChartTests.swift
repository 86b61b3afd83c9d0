import Testing

@testable import Rendering

@Suite struct LineChartTests {
  private let red = Color.rgb(255, 0, 0)
  private let blue = Color.rgb(0, 0, 255)

  @Test func tinyLogAxisChartWithTicks() {
    let series = Series(name: "f", values: [1.0, 0.1, 0.01, 0.001], color: red)
    let chart = LineChart(title: "tiny", series: [series], yAxis: .log, legend: .hidden)
    // y spans the decades 1e-3…1; with 5 plot rows there is room for 3
    // ticks, so every other decade is labelled. One decade per 19/3 dot rows.
    #expect(
      chart.rendered(width: 20, height: 8).lines == [
        "tiny                ",
        "   1┤⠑⠢⢄            ",
        "    │   ⠉⠒⢄         ",
        "    │      ⠉⠢⣀      ",
        "0.01┤         ⠑⠤⣀   ",
        "    │            ⠑⠢⢄",
        "    └┬────┬───┬────┬",
        "     0    1   2    3",
      ])
  }

  @Test func legendGoesToTheEmptiestCorner() {
    let down = Series(name: "down", values: [4.0, 3, 2, 1, 0], color: red)
    let up = Series(name: "up", values: [0.0, 1, 2, 3, 4], color: blue)
    let flatTop = Series(name: "top", values: [4.0, 4, 4, 4, 4, 0], color: red)
    // Falling line: top-right is empty.
    #expect(
      LineChart(series: [down]).rendered(width: 20, height: 7).lines == [
        "                    ",
        "4┤⠉⠒⠤⣀        ━ down",
        " │    ⠉⠑⠢⢄⡀         ",
        "2┤        ⠈⠉⠒⠤⢄⣀    ",
        "0┤              ⠉⠒⠤⣀",
        " └┬───┬────┬───┬───┬",
        "  0   1    2   3   4",
      ])
    // Rising line: top-right is taken, top-left is next in line.
    #expect(
      LineChart(series: [up]).rendered(width: 20, height: 7).lines == [
        "                    ",
        "4┤━ up          ⣀⠤⠒⠉",
        " │         ⢀⡠⠔⠊⠉    ",
        "2┤    ⣀⡠⠤⠒⠊⠁        ",
        "0┤⣀⠤⠒⠉              ",
        " └┬───┬────┬───┬───┬",
        "  0   1    2   3   4",
      ])
    // Top row full, bottom-left crossed by the rising line: bottom-right.
    #expect(
      LineChart(series: [flatTop, up]).rendered(width: 20, height: 7).lines == [
        "                    ",
        "4┤⠉⠉⠉⠉⠉⠉⠉⠉⠉⠉⠉⣉⠭⠛⢣   ",
        " │       ⢀⡠⠔⠊    ⢣  ",
        "2┤   ⢀⡠⠔⠊⠁     ━ top",
        "0┤⡠⠔⠊⠁         ━ up ",
        " └┬──┬───┬──┬───┬──┬",
        "  0  1   2  3   4  5",
      ])
  }

  @Test func legendSwatchesCarryTheSeriesColours() {
    let chart = LineChart(
      series: [
        Series(name: "a", values: [0.0, 1], color: red), Series(name: "b", values: [1.0, 0], color: blue),
      ],
      legend: .bottomLeft)
    let grid = chart.rendered(width: 20, height: 8)
    let swatches = grid.cells.enumerated().filter { $0.element.character == "━" }
    #expect(swatches.map(\.element.style.foreground) == [red, blue])
    // Bottom-left of the plot, which starts after the labels "0.5" and the axis.
    #expect(swatches.map { $0.offset % 20 } == [4, 4])
    #expect(swatches.map { $0.offset / 20 } == [4, 5])
  }

  /// More entries than two thirds of the plot's rows: two columns (so a
  /// short chart, the loss panel at 80×24, keeps its legend); more than two
  /// columns can hold: none.
  @Test func legendTakesTwoColumnsThenHidesWhenTooSmall() {
    let many = (0..<6).map { Series(name: "s\($0)", values: [Double($0), 1], color: red) }
    let lines = LineChart(series: many).rendered(width: 30, height: 7).lines
    #expect(lines.contains { $0.contains("━ s0 ━ s3") } && lines.contains { $0.contains("━ s2 ━ s5") })
    let tooMany = (0..<14).map { Series(name: "s\($0)", values: [Double($0), 1], color: red) }
    let grid = LineChart(series: tooMany).rendered(width: 30, height: 7)
    #expect(!grid.lines.joined().contains("━"))
    let narrow = LineChart(series: [Series(name: "longname", values: [1.0, 2], color: red)])
    #expect(!narrow.rendered(width: 9, height: 7).lines.joined().contains("━"))
    #expect(narrow.rendered(width: 30, height: 7).lines.joined().contains("━ longname"))
  }

  @Test func nonPositiveValuesOnALogAxisAreClampedAndReported() {
    let series = Series(name: "a", values: [1.0, 0.1, 0, 0.01], color: red)
    let chart = LineChart(title: "loss", series: [series], yAxis: .log, legend: .hidden)
    let grid = chart.rendered(width: 20, height: 7)
    // The zero at step 2 sits on the floor (0.01) instead of vanishing.
    #expect(
      grid.lines == [
        "loss     y≤0 clamped",
        "   1┤⠑⠤⡀            ",
        "    │  ⠈⠢⢄          ",
        " 0.1┤     ⠑⠤⡀       ",
        "0.01┤       ⠈⠒⢄⣀⣀⣀⣀⣀",
        "    └┬────┬───┬────┬",
        "     0    1   2    3",
      ])
    #expect(grid[9, 0].style.foreground == Theme.default.bad)
    #expect(chart.clampReport == LineChart.ClampReport(x: 0, y: 1))

    var linear = chart
    linear.yAxis = .linear
    #expect(linear.clampReport.note.isEmpty)
    #expect(linear.rendered(width: 20, height: 7).lines[0] == "loss                ")
  }

  @Test func stepZeroOnALogXAxisIsClampedToo() {
    let series = Series(name: "a", values: [1.0, 0.1, 0.2, 0.01], color: red)
    let chart = LineChart(title: "loss", series: [series], xAxis: .log, yAxis: .log, legend: .hidden)
    #expect(chart.clampReport == LineChart.ClampReport(x: 1, y: 0))
    #expect(
      chart.rendered(width: 20, height: 7).lines == [
        "loss     x≤0 clamped",
        "   1┤⡇              ",
        "    │⡇⢀⣀⣀⡠⠤⠤⠔⠒⠢⡀    ",
        " 0.1┤⠉⠁        ⠈⠢⢄  ",
        "0.01┤             ⠑⢄",
        "    └┬────────┬─────",
        "     1        2     ",
      ])
    let both = LineChart(series: [Series(name: "a", values: [0.0, 1], color: red)], xAxis: .log, yAxis: .log)
    #expect(both.clampReport.note == "x,y≤0 clamped")
  }

  @Test func nanBreaksTheLineAndMarksTheDivergence() {
    let series = Series(name: "a", values: [1.0, 2, .nan, 2, 1], color: red)
    let chart = LineChart(series: [series], legend: .hidden)
    let grid = chart.rendered(width: 16, height: 6)
    // Nothing is drawn between steps 1 and 3; × sits on step 1.
    #expect(
      grid.lines == [
        "                ",
        "2┤  ⢀×      ⠱⡀  ",
        " │ ⢠⠃        ⠘⡄ ",
        "1┤⡰⠁          ⠈⢆",
        " └┬──────┬─────┬",
        "  0      2     4",
      ])
    #expect(grid[5, 1].style == Style(foreground: red, attributes: .bold))

    var unmarked = chart
    unmarked.marksDivergence = false
    #expect(unmarked.rendered(width: 16, height: 6).lines[1] == "2┤  ⢀⠎      ⠱⡀  ")
  }

  @Test func divergedRacerEndsWithAMarker() {
    let series = Series(name: "a", values: [1.0, 2, 3, .infinity, .nan], color: red)
    #expect(series.divergenceIndex == 3)
    #expect(
      LineChart(series: [series], legend: .hidden).rendered(width: 16, height: 6).lines == [
        "                ",
        "5┤              ",
        " │   ⣀⡠⠔⠊×      ",
        "0┤⠒⠉⠉           ",
        " └┬──────┬─────┬",
        "  0      2     4",
      ])
  }

  @Test func laterSeriesColourSharedCells() {
    let a = Series(name: "", values: [1.0, 1], color: red)
    let b = Series(name: "", values: [1.0, 1], color: blue)
    let grid = LineChart(series: [a, b]).rendered(width: 10, height: 6)
    let dots = grid.cells.filter { $0.character == "⠒" || $0.character == "⠉" || $0.character == "⠤" }
    #expect(!dots.isEmpty)
    #expect(dots.allSatisfy { $0.style.foreground == blue })
  }

  @Test func fixedRangesOverrideTheData() {
    let series = Series(name: "a", values: [5.0, 6], color: red)
    let chart = LineChart(series: [series], xRange: 0...10, yRange: 0...100, legend: .hidden)
    #expect(chart.xScale().domain == 0...10)
    #expect(chart.yScale(maxTicks: 3).domain == 0...100)
    var log = chart
    log.yAxis = .log
    log.yRange = 0...100  // not a valid log domain: the data is fitted instead
    #expect(log.yScale(maxTicks: 3).domain == 1...10)
  }

  @Test func tooSmallForAxesStillPlots() {
    let series = Series(name: "a", values: [4.0, 3, 2, 1], color: red)
    let grid = LineChart(title: "t", series: [series], legend: .hidden).rendered(width: 6, height: 3)
    // Two body rows are too few for axes: the dots fill the body.
    #expect(grid.lines == ["t     ", "⠢⢄⣀   ", "   ⠉⠒⠤"])
    #expect(grid.cells.contains { $0.character != " " && $0.style.foreground == red })
    #expect(LineChart(title: "title").rendered(width: 3, height: 1).lines == ["ti…"])
    #expect(LineChart().rendered(width: 0, height: 0).lines.isEmpty)
  }

  @Test(arguments: GlyphSet.allCases)
  func deterministicForEveryGlyphSet(_ glyphs: GlyphSet) {
    let series = (0..<3).map { (i: Int) -> Series in
      let values: [Double] = (0..<50).map { (step: Int) in 1 / (1 + Double(step * (i + 1))) }
      return Series(name: "r\(i)", values: values, color: .rgb(UInt8(i), 0, 0))
    }
    let chart = LineChart(title: "race", series: series, yAxis: .log, glyphs: glyphs)
    #expect(chart.rendered(width: 40, height: 12) == chart.rendered(width: 40, height: 12))
    let text = chart.rendered(width: 40, height: 12).lines.joined()
    if glyphs == .ascii {
      #expect(text.unicodeScalars.allSatisfy { $0.isASCII })
    }
  }
}
