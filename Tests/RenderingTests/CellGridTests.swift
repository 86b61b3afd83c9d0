import Testing

@testable import Rendering

@Suite struct CellGridTests {
  @Test func blankByDefault() {
    let grid = CellGrid(width: 3, height: 2)
    #expect(grid.lines == ["   ", "   "])
    #expect(grid.cells.allSatisfy { $0 == .blank })
  }

  @Test func textIsClippedAtBothEdges() {
    var grid = CellGrid(width: 5, height: 2)
    let written = grid.put(text: "abcdefg", at: Point(x: 2, y: 0), style: .plain)
    grid.put(text: "xyz", at: Point(x: -1, y: 1), style: .plain)
    grid.put(text: "off", at: Point(x: 0, y: 5), style: .plain)
    #expect(written == 7)
    #expect(grid.lines == ["  abc", "yz   "])
  }

  @Test func maxWidthTruncatesWithEllipsis() {
    var grid = CellGrid(width: 8, height: 1)
    let written = grid.put(text: "momentum", at: .zero, style: .plain, maxWidth: 5)
    #expect(written == 5)
    #expect(grid.lines == ["mome…   "])
  }

  @Test func wideAndControlCharactersKeepColumnsAligned() {
    var grid = CellGrid(width: 6, height: 1)
    grid.put(text: "a漢\tb😀c", at: .zero, style: .plain)
    #expect(grid.lines == ["a? b?c"])
  }

  @Test func fillAndRegionsStayInside() {
    var grid = CellGrid(width: 6, height: 3)
    grid.fill(Rect(x: 4, y: 1, width: 10, height: 10), with: Cell("#"))
    grid.withRegion(Rect(x: 1, y: 0, width: 3, height: 2)) { region in
      #expect(region.width == 3 && region.height == 2)
      region.put(text: "hello", at: Point(x: 1, y: 1), style: .plain)
      region.fill(Rect(x: -5, y: 0, width: 1 + 5, height: 1), with: Cell("*"))
    }
    #expect(grid.lines == [" *    ", "  he##", "    ##"])
  }

  @Test func styleRunsCoverTheRowAndSplitOnStyleChanges() {
    var grid = CellGrid(width: 7, height: 1)
    let red = Style(foreground: .rgb(255, 0, 0))
    grid.put(text: "ab", at: Point(x: 2, y: 0), style: red)
    grid.put(text: "c", at: Point(x: 4, y: 0), style: red.adding(.bold))
    let runs = grid.styleRuns(inRow: 0)
    #expect(
      runs == [
        StyleRun(x: 0, text: "  ", style: .plain),
        StyleRun(x: 2, text: "ab", style: red),
        StyleRun(x: 4, text: "c", style: red.adding(.bold)),
        StyleRun(x: 5, text: "  ", style: .plain),
      ])
    #expect(grid.styleRuns(inRow: 1).isEmpty)
  }

  @Test func rectHelpers() {
    let r = Rect(x: 2, y: 3, width: 10, height: 4)
    #expect(r.inset(dx: 1, dy: 1) == Rect(x: 3, y: 4, width: 8, height: 2))
    #expect(r.splitTop(1).rest == Rect(x: 2, y: 4, width: 10, height: 3))
    #expect(r.splitLeft(20).rest.isEmpty)
    #expect(r.intersection(Rect(x: 0, y: 0, width: 3, height: 4)) == Rect(x: 2, y: 3, width: 1, height: 1))
    #expect(r.intersection(Rect(x: 50, y: 0, width: 3, height: 4)).isEmpty)
  }
}
