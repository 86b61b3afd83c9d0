import Sessions
import Testing

@testable import Report

@Suite struct ReportTableTests {
  let table = ReportTable(
    id: "demo", title: "Demo", header: ["contender", "loss", "note"],
    rows: [["adam", "0.5", "a|b"], ["lstm", Cell.missing, "x, y"], ["short"]], notes: ["n = 3"])

  @Test func markdownIsAPipeTableWithEscapedCells() {
    let lines = table.markdown.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    #expect(lines[0] == "**Demo**")
    #expect(lines[2] == "| contender | loss | note |")
    #expect(lines[3] == "| --- | --- | --- |")
    #expect(lines[4] == "| adam | 0.5 | a\\|b |")
    #expect(lines[6] == "| short |  |  |", "short rows are padded")
    #expect(table.markdown.contains("n = 3"))
  }

  @Test func csvKeepsTheFieldCountAndReadsBack() throws {
    let csv = table.csv
    #expect(csv.rows[1] == ["lstm", "", "x; y"], "missing is empty, commas become ;")
    #expect(csv.rows[2] == ["short", "", ""])
    let parsed = try CSVTable.parse(csv.text, path: "demo.csv")
    #expect(parsed == csv)
    #expect(parsed.column("loss")?[0] == 0.5)
  }

  @Test(arguments: [
    (1.0, "1"), (0.12345, "0.1235"), (1e-5, "1.000e-05"), (123_456.0, "1.235e+05"), (Double.nan, "nan"),
    (-Double.infinity, "-inf"), (0.0, "0"),
  ])
  func numbersHaveFourSignificantDigits(_ value: Double, _ text: String) {
    #expect(Cell.number(value) == text)
  }
}
