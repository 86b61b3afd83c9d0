/// Reads the `key=value` options of one problem class: rejects keys the
/// class does not know, parses and range-checks values, and fills in
/// defaults, so that every class reports bad input the same way.
struct OptionReader {
  let problem: String
  let options: [String: String]
  let valid: [String]

  /// Fails on the first (alphabetically) option not in `valid`.
  init(problem: String, options: [String: String], valid: [String]) throws(ProblemError) {
    for key in options.keys.sorted() where !valid.contains(key) {
      throw .unknownOption(problem: problem, option: key, valid: valid.sorted())
    }
    self.problem = problem
    self.options = options
    self.valid = valid
  }

  /// An integer option in `range`, or `fallback` when absent.
  func integer(_ key: String, default fallback: Int, in range: ClosedRange<Int>) throws(ProblemError) -> Int {
    guard let text = options[key] else { return fallback }
    guard let value = Int(text.trimmed), range.contains(value) else {
      let upper = range.upperBound == Int.max ? "" : " and ≤ \(range.upperBound)"
      throw .invalidOption(
        problem: problem, option: key, value: text,
        expected: "an integer ≥ \(range.lowerBound)\(upper)")
    }
    return value
  }

  /// Fails unless `rows × columns` (the options `rowsKey` and `columnsKey`)
  /// fits ``Limits/problemElements``: each bound alone lets through
  /// matrices no machine holds (n = m = 100,000 is 40 GB per instance).
  func requireElements(_ rows: Int, _ rowsKey: String, _ columns: Int, _ columnsKey: String) throws(ProblemError) {
    guard Limits.fitsProblemElements(rows, columns) else {
      throw .invalidOption(
        problem: problem, option: "\(rowsKey)×\(columnsKey)", value: "\(rows)×\(columns)",
        expected: "at most \(Limits.problemElements) values per instance (4 MB)")
    }
  }

  /// A finite real option accepted by `isValid` (described by `expected`),
  /// or `fallback` when absent.
  func real(
    _ key: String, default fallback: Float, expected: String, where isValid: (Float) -> Bool
  ) throws(ProblemError) -> Float {
    guard let text = options[key] else { return fallback }
    guard let value = Float(text.trimmed), value.isFinite, isValid(value) else {
      throw .invalidOption(problem: problem, option: key, value: text, expected: expected)
    }
    return value
  }

  /// One of the cases of `Choice`, named by its raw value, or `fallback`.
  func choice<Choice: RawRepresentable & CaseIterable>(
    _ key: String, default fallback: Choice
  ) throws(ProblemError) -> Choice where Choice.RawValue == String {
    guard let text = options[key] else { return fallback }
    guard let value = Choice(rawValue: text.trimmed.lowercased()) else {
      let names = Choice.allCases.map(\.rawValue).joined(separator: ", ")
      throw .invalidOption(problem: problem, option: key, value: text, expected: "one of \(names)")
    }
    return value
  }
}

extension OptionReader {
  /// An integer range option within `bounds`: `N` (the range N…N) or
  /// `MIN-MAX` with MIN ≤ MAX, or `fallback` when absent.
  func integerRange(
    _ key: String, default fallback: ClosedRange<Int>, in bounds: ClosedRange<Int>
  ) throws(ProblemError) -> ClosedRange<Int> {
    guard let text = options[key] else { return fallback }
    guard let range = Self.parseRange(text), bounds.contains(range.lowerBound), bounds.contains(range.upperBound)
    else {
      let (low, high) = (bounds.lowerBound, bounds.upperBound)
      throw .invalidOption(
        problem: problem, option: key, value: text,
        expected: "an integer \(low)…\(high) or a range MIN-MAX with \(low) ≤ MIN ≤ MAX ≤ \(high)"
          + " (e.g. 5 or 2-8)")
    }
    return range
  }

  /// `N` or `MIN-MAX` (MIN ≤ MAX, non-negative integers), else nil.
  static func parseRange(_ text: String) -> ClosedRange<Int>? {
    let parts = text.trimmed.split(separator: "-", omittingEmptySubsequences: false).map { String($0).trimmed }
    guard parts.count == 1 || parts.count == 2 else { return nil }
    guard let low = Int(parts[0]), let high = Int(parts[parts.count - 1]), low >= 0, low <= high else {
      return nil
    }
    return low...high
  }
}

/// Canonical configuration keys: `name(k1=v1,k2=v2)` with keys sorted, so
/// that equal configurations always print identically.
enum ConfigurationKey {
  static func make(_ name: String, _ pairs: [(String, String)]) -> String {
    let body = pairs.sorted { $0.0 < $1.0 }.map { "\($0.0)=\($0.1)" }.joined(separator: ",")
    return "\(name)(\(body))"
  }

  /// A real option value as it is printed in keys: integers without a
  /// fractional part (`0`, `2`), others in Swift's shortest round-trip form
  /// (`0.005`).
  static func format(_ value: Float) -> String {
    if value == value.rounded(), abs(value) < 1e7 { return String(Int(value)) }
    return String(describing: value)
  }
}

extension String {
  var trimmed: String {
    var slice = Substring(self)
    while let first = slice.first, first.isWhitespace { slice.removeFirst() }
    while let last = slice.last, last.isWhitespace { slice.removeLast() }
    return String(slice)
  }
}
