import Testing

@testable import Rendering

@Suite struct DotCanvasTests {
  private func render(_ canvas: DotCanvas) -> [String] {
    var grid = CellGrid(width: canvas.width, height: canvas.height)
    canvas.draw(into: &grid)
    return grid.lines
  }

  struct LineCase: Sendable, CustomTestStringConvertible {
    var glyphs: GlyphSet
    var cells: Int
    var from: [Int]
    var to: [Int]
    var expected: String
    var testDescription: String { "\(glyphs) \(from)→\(to): \(expected)" }
  }

  @Test(arguments: [
    // Slope 1 in braille: one dot per row along the diagonal.
    LineCase(glyphs: .braille, cells: 2, from: [0, 0], to: [3, 3], expected: "⠑⢄"),
    LineCase(glyphs: .braille, cells: 2, from: [3, 3], to: [0, 0], expected: "⠑⢄"),
    // Slope 1/2: two dots per row.
    LineCase(glyphs: .braille, cells: 4, from: [0, 0], to: [7, 3], expected: "⠉⠒⠤⣀"),
    LineCase(glyphs: .braille, cells: 2, from: [0, 0], to: [3, 0], expected: "⠉⠉"),
    LineCase(glyphs: .braille, cells: 1, from: [1, 0], to: [1, 3], expected: "⢸"),
    LineCase(glyphs: .block, cells: 2, from: [0, 0], to: [3, 1], expected: "▀▄"),
    LineCase(glyphs: .block, cells: 1, from: [0, 0], to: [1, 1], expected: "▚"),
    LineCase(glyphs: .ascii, cells: 2, from: [0, 0], to: [1, 1], expected: "'."),
    LineCase(glyphs: .ascii, cells: 1, from: [0, 0], to: [0, 1], expected: ":"),
  ])
  func bresenhamGolden(_ c: LineCase) {
    var canvas = DotCanvas(width: c.cells, height: 1, glyphs: c.glyphs)
    canvas.line(from: (c.from[0], c.from[1]), to: (c.to[0], c.to[1]), color: .default)
    #expect(render(canvas) == [c.expected])
  }

  @Test func everyBrailleDotHasItsOwnBit() {
    var seen: Set<Character> = []
    for y in 0..<4 {
      for x in 0..<2 {
        var canvas = DotCanvas(width: 1, height: 1)
        canvas.set(x: x, y: y, color: .default)
        seen.insert(Character(render(canvas)[0]))
      }
    }
    #expect(seen == ["⠁", "⠂", "⠄", "⡀", "⠈", "⠐", "⠠", "⢀"])
    var full = DotCanvas(width: 1, height: 1)
    for y in 0..<4 { full.line(from: (0, y), to: (1, y), color: .default) }
    #expect(render(full) == ["⣿"])
  }

  @Test func lastWriterWinsTheCellColour() {
    var canvas = DotCanvas(width: 1, height: 1)
    canvas.set(x: 0, y: 0, color: .rgb(255, 0, 0))
    canvas.set(x: 1, y: 3, color: .rgb(0, 0, 255))
    var grid = CellGrid(width: 1, height: 1, fill: Cell(" ", style: Style(background: .rgb(9, 9, 9))))
    canvas.draw(into: &grid)
    #expect(grid[0, 0].character == "⢁")
    #expect(grid[0, 0].style == Style(foreground: .rgb(0, 0, 255), background: .rgb(9, 9, 9)))
  }

  @Test func continuousLinesAreClippedToTheCanvas() {
    var canvas = DotCanvas(width: 2, height: 1)
    canvas.line(from: (x: -1e9, y: 1.0), to: (x: 1e9, y: 1.0), color: .default)
    canvas.line(from: (x: 0.0, y: -50.0), to: (x: 0.0, y: -10.0), color: .default)
    canvas.line(from: (x: Double.nan, y: 0.0), to: (x: 1.0, y: 0.0), color: .default)
    #expect(render(canvas) == ["⠒⠒"])
    #expect(canvas.isSet(x: 3, y: 1) && !canvas.isSet(x: 3, y: 0))
    #expect(canvas.isOccupied(column: 1, row: 0) && !canvas.isOccupied(column: 2, row: 0))
  }

  @Test func outOfRangeDotsAreIgnored() {
    var canvas = DotCanvas(width: 1, height: 1, glyphs: .block)
    canvas.set(x: 2, y: 0, color: .default)
    canvas.set(x: -1, y: 0, color: .default)
    canvas.set(x: 0, y: 2, color: .default)
    #expect(render(canvas) == [" "])
    #expect(canvas.dotWidth == 2 && canvas.dotHeight == 2)
  }
}
