/// A small CSV table of numbers and plain words: the histories a session
/// keeps, readable by pandas (`read_csv`) and spreadsheets.
///
/// Fields never contain commas, quotes or newlines here (names and numbers
/// only); parsing rejects rows whose field count differs from the header's,
/// naming the line.
public struct CSVTable: Sendable, Equatable {
  public var header: [String]
  public var rows: [[String]]

  public init(header: [String], rows: [[String]] = []) {
    self.header = header
    self.rows = rows
  }

  /// The CSV text, with a trailing newline.
  public var text: String {
    guard !header.isEmpty else { return "" }
    return ([header] + rows).map { $0.joined(separator: ",") }.joined(separator: "\n") + "\n"
  }

  /// Parses CSV text read from `path` (named in errors).
  public static func parse(_ text: String, path: String) throws(SessionError) -> CSVTable {
    let lines = text.split(separator: "\n", omittingEmptySubsequences: true).map {
      $0.hasSuffix("\r") ? String($0.dropLast()) : String($0)
    }
    guard let first = lines.first else { return CSVTable(header: []) }
    let header = first.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
    var rows: [[String]] = []
    for (index, line) in lines.dropFirst().enumerated() {
      let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
      guard fields.count == header.count else {
        throw .corrupt(
          path: path, reason: "line \(index + 2) has \(fields.count) fields, the header has \(header.count)")
      }
      rows.append(fields)
    }
    return CSVTable(header: header, rows: rows)
  }

  /// The values of column `name` as Doubles (NaN where not a number).
  public func column(_ name: String) -> [Double]? {
    guard let index = header.firstIndex(of: name) else { return nil }
    return rows.map { Double($0[index]) ?? .nan }
  }
}
