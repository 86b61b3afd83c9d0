import Evaluation
import Sessions

/// One table of the report: written as Markdown into `report.md` and as a
/// CSV file of its own (`<id>.csv`) for pandas and spreadsheets.
///
/// Cells are plain text; the CSV goes through ``MetaLearning/CSVTable``,
/// whose fields hold no commas, so a comma inside a cell is written as `;`
/// there (the Markdown keeps it).
public struct ReportTable: Sendable, Equatable {
  /// The file stem of the CSV (`quadratic-100`), unique within a report.
  public var id: String
  /// The caption above the Markdown table.
  public var title: String
  public var header: [String]
  public var rows: [[String]]
  /// Lines printed under the table (definitions, skipped rows).
  public var notes: [String]

  public init(id: String, title: String, header: [String], rows: [[String]] = [], notes: [String] = []) {
    self.id = id
    self.title = title
    self.header = header
    self.rows = rows
    self.notes = notes
  }

  /// The CSV file name.
  public var csvFileName: String { "\(id).csv" }

  /// The table as a Markdown pipe table (with its caption and notes);
  /// `|` in a cell is escaped as `\|`, newlines become spaces.
  public var markdown: String {
    func cell(_ text: String) -> String {
      text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "|", with: "\\|")
        .replacingOccurrences(of: "\n", with: " ")
    }
    var lines = ["**\(title)**", ""]
    lines.append("| " + header.map(cell).joined(separator: " | ") + " |")
    lines.append("|" + header.map { _ in " --- " }.joined(separator: "|") + "|")
    for row in rows {
      let padded = row + [String](repeating: "", count: max(0, header.count - row.count))
      lines.append("| " + padded.map(cell).joined(separator: " | ") + " |")
    }
    if !notes.isEmpty {
      lines.append("")
      lines += notes
    }
    return lines.joined(separator: "\n") + "\n"
  }

  /// The table as CSV: the header and rows, commas in cells replaced by `;`
  /// and line breaks by spaces so every row keeps the header's field count;
  /// a missing value ("—") is an empty field, which pandas reads as NaN.
  public var csv: CSVTable {
    func field(_ text: String) -> String {
      if text == Cell.missing { return "" }
      return text.replacingOccurrences(of: ",", with: ";").replacingOccurrences(of: "\n", with: " ")
        .replacingOccurrences(of: "\r", with: " ")
    }
    return CSVTable(
      header: header.map(field),
      rows: rows.map { row in
        (row + [String](repeating: "", count: max(0, header.count - row.count))).prefix(header.count).map(field)
      })
  }
}
