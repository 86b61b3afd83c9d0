import Testing

@testable import Rendering

@Suite struct HeatmapTests {
  private let theme = Theme.default
  private var low: Color { theme.heatLow }
  private var mid: Color { theme.heatMid }
  private var high: Color { theme.heatHigh }

  @Test func twoByTwoGlyphsAndColours() {
    // [[1, -1], [0, 1]] on ±1: column 0 is high over mid, column 1 low over high.
    let map = Heatmap(matrix: [1.0, -1, 0, 1], rows: 2, columns: 2)
    let grid = map.rendered(width: 2, height: 1)
    #expect(grid.lines == ["▀▀"])
    #expect(grid[0, 0].style == Style(foreground: high, background: mid))
    #expect(grid[1, 0].style == Style(foreground: low, background: high))
    #expect(map.scaleLabel == "±1")
  }

  @Test func equalAndMissingPixels() {
    // [[2, 0], [2, NaN]]: equal colours give █; a missing lower pixel ▀ on
    // the background; a missing upper pixel ▄.
    let grid = Heatmap(matrix: [2.0, 0, 2, .nan], rows: 2, columns: 2).rendered(width: 2, height: 1)
    #expect(grid.lines == ["█▀"])
    #expect(grid[0, 0].style == Style(foreground: high, background: theme.background))
    #expect(grid[1, 0].style == Style(foreground: mid, background: theme.background))

    let lowerOnly = Heatmap(matrix: [Double.nan, -3], rows: 2, columns: 1).rendered(width: 1, height: 1)
    #expect(lowerOnly.lines == ["▄"])
    #expect(lowerOnly[0, 0].style.foreground == low)

    let nothing = Heatmap(matrix: [Double.nan, .nan], rows: 2, columns: 1).rendered(width: 1, height: 1)
    #expect(nothing.lines == [" "])
  }

  @Test func oddRowCountLeavesTheLastLowerHalfEmpty() {
    let grid = Heatmap(matrix: [1.0, 1, -1], rows: 3, columns: 1).rendered(width: 1, height: 3)
    #expect(grid.lines == ["█", "▀", " "])
    #expect(grid[0, 1].style == Style(foreground: low, background: theme.background))
  }

  @Test func titleCarriesTheScale() {
    let map = Heatmap(matrix: [0.5, -0.25, 0.125, 0], rows: 2, columns: 2, title: "M", cellWidth: 2)
    let grid = map.rendered(width: 8, height: 2)
    #expect(grid.lines == ["M ±0.5  ", "▀▀▀▀    "])
    #expect(grid[0, 1] == grid[1, 1])
    #expect(grid[2, 1] == grid[3, 1])
    #expect(grid[0, 1].style.foreground == high)
  }

  @Test func wideCellsFallBackToOneColumnThenPool() {
    let matrix = (0..<8).map(Double.init)
    let wide = Heatmap(matrix: matrix, rows: 1, columns: 8, cellWidth: 2)
    #expect(wide.fit(width: 16, height: 1).columnWidth == 2)
    #expect(wide.fit(width: 10, height: 1).columnWidth == 1)
    let pooled = wide.fit(width: 3, height: 1)
    #expect(pooled.columnFactor == 3 && pooled.pooledColumns == 3)
    #expect(wide.pooled(pooled) == [1, 4, 6.5])
  }

  @Test func maxPoolingKeepsAWeightingPeak() {
    var weighting = [Double](repeating: 0.01, count: 16)
    weighting[11] = 0.9
    let strip = Heatmap.strip(weighting)
    let fit = strip.fit(width: 1, height: 2)
    #expect(fit.rowFactor == 4 && fit.pooledRows == 4)
    #expect(strip.pooled(fit) == [0.01, 0.01, 0.9, 0.01])
    var meanStrip = strip
    meanStrip.pooling = .mean
    #expect(abs(meanStrip.pooled(fit)[2] - (0.9 + 0.03) / 4) < 1e-12)
    let grid = strip.rendered(width: 1, height: 2)
    let ramp = ColorMap.sequential(theme.ramp)
    #expect(grid[0, 1].style.foreground == ramp.color(at: 0.9))
  }

  @Test func maxMagnitudePoolingKeepsTheSign() {
    let map = Heatmap(matrix: [0.1, -0.8, 0.5, 0.2], rows: 4, columns: 1, pooling: .maxMagnitude)
    #expect(map.pooled(map.fit(width: 1, height: 1)) == [-0.8, 0.5])
  }

  @Test func poolingIsAnnouncedInTheHeader() {
    let map = Heatmap.strip([Double](repeating: 0.5, count: 16), title: "w")
    #expect(map.rendered(width: 20, height: 3).lines[0] == "w 0–1 pooled 4×1    ")
  }

  @Test func fixedRangeClampsAndIsComparableAcrossFrames() {
    let map = Heatmap.strip([-1.0, 0, 0.5, 2])
    #expect(map.colorPosition(-1) == 0)
    #expect(map.colorPosition(0.5) == 0.5)
    #expect(map.colorPosition(2) == 1)
    #expect(map.colorPosition(.nan) == nil)
    #expect(map.scaleLabel == "0–1")
  }

  @Test func symmetricRangeOfAZeroMatrixIsNeutral() {
    let map = Heatmap(matrix: [0.0, 0, 0, 0], rows: 2, columns: 2)
    #expect(map.colorPosition(0) == 0.5)
    #expect(map.scaleLabel == "±0")
    #expect(map.rendered(width: 2, height: 1)[0, 0].style.foreground == mid)
  }

  @Test func shortMatrixIsPaddedWithMissingValues() {
    let map = Heatmap(matrix: [Float(1)], rows: 2, columns: 1)
    #expect(map.values.count == 2 && map.values[1].isNaN)
    #expect(map.rendered(width: 1, height: 1).lines == ["▀"])
  }

  @Test func shadesReadWithoutColour() {
    let map = Heatmap(
      matrix: [0.0, 0.3, 0.5, 0.7, 1], rows: 1, columns: 5, range: .fixed(0...1), glyphs: .shades)
    #expect(map.rendered(width: 5, height: 1).lines == [" ░▒▓█"])
  }
}

@Suite struct ColorMapTests {
  @Test func viridisStopsAreExactAtTheStops() {
    let expected = ["#440154", "#3b528b", "#21918c", "#5ec962", "#fde725"]
    for (i, hex) in expected.enumerated() {
      #expect(ColorMap.viridis.color(at: Double(i) / 4).hex == hex)
    }
  }

  @Test func coolwarmPassesThroughGreyAtZero() {
    #expect(ColorMap.coolwarm.color(at: 0).hex == "#3b4cc0")
    #expect(ColorMap.coolwarm.color(at: 0.5).hex == "#dddddd")
    #expect(ColorMap.coolwarm.color(at: 1).hex == "#b40426")
    // Halfway between #3b4cc0 and #dddddd.
    #expect(ColorMap.coolwarm.color(at: 0.25) == .rgb(0x8C, 0x95, 0xCF))
  }

  @Test func positionsAreClamped() {
    #expect(ColorMap.viridis.color(at: -3) == ColorMap.viridis.color(at: 0))
    #expect(ColorMap.viridis.color(at: 9) == ColorMap.viridis.color(at: 1))
    #expect(ColorMap.viridis.color(at: .nan) == ColorMap.viridis.color(at: 0))
    #expect(ColorMap.sequential([.rgb(1, 2, 3)]).color(at: 0.7) == .rgb(1, 2, 3))
    #expect(ColorMap.sequential([]).color(at: 0.7) == .default)
  }
}
