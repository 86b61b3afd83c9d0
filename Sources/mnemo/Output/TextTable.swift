/// Plain aligned text tables for headless output: the first row is the
/// header, numbers are right-aligned, words left-aligned.
enum TextTable {
  static func render(_ rows: [[String]]) -> String {
    guard let header = rows.first else { return "" }
    var widths = header.map(\.count)
    for row in rows {
      for (index, field) in row.enumerated() where index < widths.count {
        widths[index] = max(widths[index], field.count)
      }
    }
    var output = ""
    for (rowIndex, row) in rows.enumerated() {
      let fields = row.enumerated().map { index, field -> String in
        let width = index < widths.count ? widths[index] : field.count
        let padding = String(repeating: " ", count: max(0, width - field.count))
        return isNumeric(field) && rowIndex > 0 ? padding + field : field + padding
      }
      output += fields.joined(separator: "  ").replacing(/\s+$/, with: "") + "\n"
      if rowIndex == 0 {
        output += widths.map { String(repeating: "─", count: $0) }.joined(separator: "  ") + "\n"
      }
    }
    return output
  }

  private static func isNumeric(_ field: String) -> Bool {
    Double(field) != nil || field == "—" || field.hasPrefix("-") && Double(field.dropFirst()) != nil
  }
}
