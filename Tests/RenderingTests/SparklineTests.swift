import Testing

@testable import Rendering

@Suite struct SparklineTests {
  private let green = Color.rgb(0, 255, 0)

  @Test func eighthsOverTheFittedRange() {
    let spark = Sparkline([0.0, 1, 2, 3, 4, 5, 6, 7, 8], color: green)
    // The minimum still shows the lowest eighth.
    #expect(spark.rendered(width: 9, height: 1).lines == ["▁▁▂▃▄▅▆▇█"])
    #expect(spark.rendered(width: 9, height: 1)[8, 0].style.foreground == green)
  }

  @Test func showsTheNewestValuesRightAligned() {
    let spark = Sparkline([0.0, 1, 2, 3, 4, 5, 6, 7, 8], color: green)
    // Last four values 5…8 refit to their own range.
    #expect(spark.rendered(width: 4, height: 1).lines == ["▁▃▅█"])
    #expect(Sparkline([1.0, 2], color: green).rendered(width: 4, height: 1).lines == ["  ▁█"])
  }

  @Test func barsStackOverRows() {
    let spark = Sparkline([0.0, 4, 8, 16], range: 0...16, color: green)
    #expect(spark.rendered(width: 4, height: 2).lines == ["   █", "▁▄██"])
  }

  @Test func nonFiniteIsMarkedAndLogClampsToTheFloor() {
    let spark = Sparkline([1.0, .nan, 0, 100], axis: .log, color: green)
    let grid = spark.rendered(width: 4, height: 1)
    #expect(grid.lines == ["▁×▁█"])
    #expect(grid[1, 0].style.foreground == Theme.default.bad)
    #expect(Sparkline([0.0, 1], color: green, glyphs: .ascii).rendered(width: 2, height: 1).lines == ["_#"])
  }
}

@Suite struct SmallMultiplesTests {
  private func chart(_ title: String, _ values: [Double]) -> LineChart {
    LineChart(title: title, series: [Series(name: "", values: values, color: .rgb(255, 0, 0))])
  }

  @Test func panelsAndSharedRanges() {
    let multiples = SmallMultiples(charts: [chart("a", [0, 1]), chart("b", [0, 10, 20]), chart("c", [5])])
    #expect(
      multiples.panels(width: 50, height: 12) == [
        Rect(x: 0, y: 0, width: 24, height: 6), Rect(x: 25, y: 0, width: 24, height: 6),
        Rect(x: 0, y: 6, width: 24, height: 6),
      ])
    let shared = multiples.sharedCharts(plotHeight: 3)
    #expect(shared.map(\.xRange) == Array(repeating: 0...2, count: 3))
    #expect(shared.map(\.yRange) == Array(repeating: 0...20, count: 3))
    let grid = multiples.rendered(width: 50, height: 12)
    #expect(grid.lines[0].hasPrefix("a") && grid[25, 0].character == "b" && grid[0, 6].character == "c")
    // Both top panels label the same y ticks.
    #expect(grid.lines[1].hasPrefix("20┤") && grid.lines[1].dropFirst(25).hasPrefix("20┤"))
  }

  @Test func independentAxesWhenNotShared() {
    let multiples = SmallMultiples(charts: [chart("a", [0, 1]), chart("b", [0, 20])], sharesAxes: false)
    #expect(multiples.sharedCharts(plotHeight: 3).allSatisfy { $0.yRange == nil })
    #expect(
      SmallMultiples(charts: []).rendered(width: 10, height: 3).lines == [
        "          ", "          ", "          ",
      ])
  }
}
