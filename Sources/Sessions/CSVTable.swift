import Optimizees

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

  /// The two histories a session keeps.
  public enum HistoryKind: Sendable {
    /// `training.csv`: `iteration` is a meta-iteration count.
    case training
    /// `race.csv`: `optimizer` is a name, `step` a step index.
    case race
  }

  /// Checks a history read from `path` field by field: its counting column
  /// (`iteration` or `step`) holds whole numbers in the range the CLI
  /// accepts, every other column but `optimizer` holds numbers (an empty
  /// field or `nan` marks a missing value, as pandas writes them). Readers
  /// can then convert without trapping (`Int(Double.nan)` does).
  public func validateHistory(path: String, kind: HistoryKind) throws(SessionError) {
    let counting: (column: String, range: ClosedRange<Int>) =
      switch kind {
      case .training: ("iteration", Limits.metaIteration)
      case .race: ("step", 0...Limits.raceSteps.upperBound)
      }
    for (index, row) in rows.enumerated() {
      for (column, field) in zip(header, row) {
        let place = "line \(index + 2), column '\(column)'"
        if column == counting.column {
          guard Limits.integer(field, in: counting.range) != nil else {
            throw .invalidField(
              path: path, field: place, value: field,
              expected: "a whole number in \(Limits.describe(counting.range))")
          }
        } else if column == "optimizer" {
          guard !field.isEmpty, field.count <= 100 else {
            throw .invalidField(path: path, field: place, value: field, expected: "an optimizer's name")
          }
        } else if !field.isEmpty, Double(field) == nil {
          throw .invalidField(path: path, field: place, value: field, expected: "a number (or empty)")
        }
      }
    }
  }

  /// The values of column `name` as whole numbers (0 where a field is not
  /// one: `Int(_:)` of NaN, ∞ or 1e300 traps, and a history is display data).
  public func integerColumn(_ name: String) -> [Int]? {
    column(name)?.map { $0.isFinite && abs($0) < 9e18 ? Int($0) : 0 }
  }

  /// The values of column `name` as Doubles (NaN where not a number).
  public func column(_ name: String) -> [Double]? {
    guard let index = header.firstIndex(of: name) else { return nil }
    return rows.map { Double($0[index]) ?? .nan }
  }
}
