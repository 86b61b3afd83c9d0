/// A theme read from text: the theme plus whatever was skipped.
public struct ParsedTheme: Hashable, Sendable {
  public var theme: Theme
  public var warnings: [ThemeWarning]
}

extension Theme {
  /// Reads a btop-style theme file.
  ///
  /// The format, one setting per line:
  ///
  ///     # comment
  ///     theme[axis]="#6c6c6c"      # #RRGGBB
  ///     theme[text]="208 208 208"  # decimal R G B, 0–255
  ///     theme[background]=""       # the terminal's own colour
  ///
  /// Blank lines and lines starting with `#` are skipped; a `#` comment may
  /// also follow the closing quote. Keys are listed in ``keys``.
  /// - Unknown keys are ignored and reported as warnings.
  /// - Missing keys keep the value of ``default`` (so an empty file is the
  ///   default theme).
  /// - Racers are `racer_1`, `racer_2`, …; a theme may define more than
  ///   eight as long as the numbering has no gaps.
  /// - Anything else — a line that is not `theme[key]="value"`, a value that
  ///   is not a colour — throws a ``ThemeError`` naming `file` and the line.
  ///
  /// - Parameter file: the name used in messages (usually the path).
  public static func parse(_ text: String, file: String) throws(ThemeError) -> ParsedTheme {
    var theme = Theme.default
    var warnings: [ThemeWarning] = []
    var seen: [String: Int] = [:]
    var racers: [Int: (color: Color, line: Int)] = [:]

    // "\r\n" is one Character in Swift, so CRLF files need it as a separator.
    let rawLines = text.split(
      omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
    for (offset, rawLine) in rawLines.enumerated() {
      let lineNumber = offset + 1
      let line = rawLine.trimmingThemeWhitespace()
      if line.isEmpty || line.hasPrefix("#") { continue }
      let (key, value) = try parseAssignment(line, file: file, line: lineNumber)
      if let previous = seen[key] {
        warnings.append(
          ThemeWarning(
            file: file, line: lineNumber,
            message: "theme[\(key)] was already set on line \(previous); this later value is used"))
      }
      seen[key] = lineNumber
      guard let role = ThemeKey(key) else {
        warnings.append(
          ThemeWarning(file: file, line: lineNumber, message: "unknown key theme[\(key)] ignored"))
        continue
      }
      let color = try parseColor(value, key: key, file: file, line: lineNumber)
      switch role {
      case .role(let role): theme[role] = color
      case .racer(let n): racers[n] = (color, lineNumber)
      case .ramp(let n): theme.ramp[n - 1] = color
      }
    }

    // Racers: defaults fill the first eight gaps; beyond eight the list
    // only grows through contiguous numbers.
    var count = minimumRacerCount
    while racers[count + 1] != nil { count += 1 }
    var list = (0..<count).map { $0 < theme.racers.count ? theme.racers[$0] : theme.text }
    for (n, entry) in racers.sorted(by: { $0.key < $1.key }) {
      if n <= count {
        list[n - 1] = entry.color
      } else {
        warnings.append(
          ThemeWarning(
            file: file, line: entry.line,
            message: "theme[racer_\(n)] ignored: racers after racer_\(minimumRacerCount) must be "
              + "numbered without gaps (racer_\(count + 1) is missing)"))
      }
    }
    theme.racers = list
    return ParsedTheme(theme: theme, warnings: warnings)
  }

  /// The theme as a theme file that ``parse(_:file:)`` reads back to an
  /// equal theme: every key, in the order of ``keys``, colours as
  /// `#rrggbb` and the terminal default as `""`.
  ///
  /// - Parameter header: comment lines to put first (without `#`).
  public func serialized(header: [String] = []) -> String {
    var lines = header.map { $0.isEmpty ? "#" : "# " + $0 }
    if !lines.isEmpty { lines.append("") }
    for role in ThemeRole.allCases { lines.append(Self.line(role.rawValue, self[role])) }
    for (i, color) in racers.enumerated() { lines.append(Self.line("racer_\(i + 1)", color)) }
    for (i, color) in ramp.enumerated() { lines.append(Self.line("ramp_\(i + 1)", color)) }
    return lines.joined(separator: "\n") + "\n"
  }

  /// Every key a theme file may set, in file order.
  public static var keys: [String] {
    ThemeRole.allCases.map(\.rawValue) + (1...minimumRacerCount).map { "racer_\($0)" }
      + (1...rampStopCount).map { "ramp_\($0)" }
  }

  private static func line(_ key: String, _ color: Color) -> String {
    "theme[\(key)]=\"\(color.hex ?? "")\""
  }

  /// Splits `theme[key]="value"` (spaces allowed around `=`, an optional
  /// `# comment` after the value).
  private static func parseAssignment(
    _ line: Substring, file: String, line number: Int
  ) throws(ThemeError) -> (key: String, value: Substring) {
    let expected = #"expected theme[key]="value", found "\#(line)""#
    guard line.hasPrefix("theme["), let close = line.firstIndex(of: "]") else {
      throw ThemeError(file: file, line: number, message: expected)
    }
    let key = line[line.index(line.startIndex, offsetBy: 6)..<close].trimmingThemeWhitespace()
    var rest = line[line.index(after: close)...].trimmingThemeWhitespace()
    guard !key.isEmpty, rest.hasPrefix("=") else {
      throw ThemeError(file: file, line: number, message: expected)
    }
    rest = rest.dropFirst().trimmingThemeWhitespace()
    guard rest.hasPrefix("\""), let end = rest.dropFirst().firstIndex(of: "\"") else {
      throw ThemeError(
        file: file, line: number, message: "the value of theme[\(key)] must be in double quotes")
    }
    let value = rest[rest.index(after: rest.startIndex)..<end]
    let trailing = rest[rest.index(after: end)...].trimmingThemeWhitespace()
    guard trailing.isEmpty || trailing.hasPrefix("#") else {
      throw ThemeError(
        file: file, line: number,
        message: "unexpected \"\(trailing)\" after the value of theme[\(key)] (comments start with #)")
    }
    return (String(key), value)
  }

  /// `#RRGGBB`, `R G B` or empty.
  private static func parseColor(
    _ value: Substring, key: String, file: String, line: Int
  ) throws(ThemeError) -> Color {
    let trimmed = value.trimmingThemeWhitespace()
    if trimmed.isEmpty { return .default }
    if let color = Color(hex: String(trimmed)) { return color }
    let parts = trimmed.split(whereSeparator: { $0 == " " || $0 == "\t" })
    if parts.count == 3 {
      let channels = parts.compactMap { UInt8($0) }
      if channels.count == 3 { return .rgb(channels[0], channels[1], channels[2]) }
    }
    throw ThemeError(
      file: file, line: line,
      message: ##"expected "#RRGGBB", "R G B" (0–255) or "" for theme[\##(key)], found "\##(value)""##)
  }
}

/// The single-colour roles, named by their theme-file keys, in file order.
enum ThemeRole: String, CaseIterable {
  case background
  case text
  case dimText = "dim_text"
  case axis, title, border, highlight
  case statusForeground = "status_fg"
  case statusBackground = "status_bg"
  case heatLow = "heat_low"
  case heatMid = "heat_mid"
  case heatHigh = "heat_high"
  case good, bad
}

extension Theme {
  subscript(role: ThemeRole) -> Color {
    get {
      switch role {
      case .background: background
      case .text: text
      case .dimText: dimText
      case .axis: axis
      case .title: title
      case .border: border
      case .highlight: highlight
      case .statusForeground: statusForeground
      case .statusBackground: statusBackground
      case .heatLow: heatLow
      case .heatMid: heatMid
      case .heatHigh: heatHigh
      case .good: good
      case .bad: bad
      }
    }
    set {
      switch role {
      case .background: background = newValue
      case .text: text = newValue
      case .dimText: dimText = newValue
      case .axis: axis = newValue
      case .title: title = newValue
      case .border: border = newValue
      case .highlight: highlight = newValue
      case .statusForeground: statusForeground = newValue
      case .statusBackground: statusBackground = newValue
      case .heatLow: heatLow = newValue
      case .heatMid: heatMid = newValue
      case .heatHigh: heatHigh = newValue
      case .good: good = newValue
      case .bad: bad = newValue
      }
    }
  }
}

/// What a key sets.
private enum ThemeKey {
  case role(ThemeRole)
  case racer(Int)
  case ramp(Int)

  /// Racer numbers beyond this are not colours anyone needs.
  static let maximumRacer = 64

  init?(_ key: String) {
    if let role = ThemeRole(rawValue: key) {
      self = .role(role)
    } else if key.hasPrefix("racer_"), let n = Int(key.dropFirst(6)), (1...Self.maximumRacer).contains(n),
      !key.dropFirst(6).hasPrefix("0"), !key.dropFirst(6).hasPrefix("+")
    {
      self = .racer(n)
    } else if key.hasPrefix("ramp_"), let n = Int(key.dropFirst(5)), (1...Theme.rampStopCount).contains(n),
      !key.dropFirst(5).hasPrefix("0"), !key.dropFirst(5).hasPrefix("+")
    {
      self = .ramp(n)
    } else {
      return nil
    }
  }
}

extension StringProtocol {
  /// Without leading and trailing spaces, tabs and carriage returns (files
  /// saved with CRLF line ends parse the same).
  func trimmingThemeWhitespace() -> SubSequence {
    let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\r\n" }
    guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) })
    else {
      return self[endIndex...]
    }
    return self[first...last]
  }
}
