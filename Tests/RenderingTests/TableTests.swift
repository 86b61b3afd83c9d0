import Testing

@testable import Rendering

@Suite struct TableTests {
  private let theme = Theme.default

  private var race: Table {
    Table(
      columns: [
        Table.Column("optimizer"), Table.Column("loss", alignment: .right),
        Table.Column("rate", alignment: .right),
      ],
      rows: [
        ["adam", "1.2e-3", "0.91"],
        ["momentum-nesterov", "4.5e-2", "0.99"],
        ["sgd", Table.Entry("diverged", style: theme.dimStyle), "—"],
      ])
  }

  @Test func truncationAndAlignment() {
    // Natural widths 17 + 8 + 4 + 2 gaps = 31; at 24 the name column gives up 7.
    #expect(race.columnWidths(available: 24) == [10, 8, 4])
    #expect(
      race.rendered(width: 24, height: 4).lines == [
        "optimizer      loss rate",
        "adam         1.2e-3 0.91",
        "momentum-…   4.5e-2 0.99",
        "sgd        diverged    —",
      ])
  }

  @Test func enoughRoomKeepsNaturalWidths() {
    #expect(race.columnWidths(available: 40) == [17, 8, 4])
    #expect(race.rendered(width: 32, height: 2).lines[1] == "adam                1.2e-3 0.91 ")
  }

  @Test func shrinksTheWidestFirstThenDropsColumns() {
    // 3 + 3 + 3 + 2 = 11 is the least with every column at its minimum.
    #expect(race.columnWidths(available: 11) == [3, 3, 3])
    #expect(race.rendered(width: 11, height: 3).lines[2] == "mo… 4.… 0.…")
    #expect(race.columnWidths(available: 8) == [3, 3])
    #expect(race.columnWidths(available: 2) == [])
  }

  @Test func centeredColumn() {
    let table = Table(columns: [Table.Column("status", alignment: .center)], rows: [["ok"], ["slow"]])
    #expect(table.rendered(width: 6, height: 3).lines == ["status", "  ok  ", " slow "])
  }

  @Test func perCellStylesAndTheHighlightedRow() {
    var table = race
    table.highlightedRow = 1
    let grid = table.rendered(width: 24, height: 4)
    #expect(grid[0, 0].style == theme.textStyle.adding(.bold))
    #expect(grid[11, 3].style == theme.dimStyle)
    // Every cell of the highlighted row, gaps included, is on the highlight colour.
    for x in 0..<24 {
      #expect(grid[x, 2].style.background == theme.highlight)
      #expect(grid[x, 2].style.attributes.contains(.bold))
    }
    #expect(grid[0, 1].style.background == theme.background)
  }

  @Test func scrollsToKeepTheHighlightedRowVisible() {
    var table = race
    table.highlightedRow = 2
    #expect(
      table.rendered(width: 24, height: 3).lines == [
        "optimizer      loss rate",
        "momentum-…   4.5e-2 0.99",
        "sgd        diverged    —",
      ])
    table.highlightedRow = nil
    #expect(table.rendered(width: 24, height: 3).lines[2] == "momentum-…   4.5e-2 0.99")
  }

  @Test func raggedRowsAreBlankFilled() {
    let table = Table(columns: [Table.Column("a"), Table.Column("b")], rows: [["x"], ["1", "2", "3"]])
    #expect(table.rendered(width: 5, height: 3).lines == ["a b  ", "x    ", "1 2  "])
  }
}
