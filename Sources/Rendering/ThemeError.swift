/// Why a theme could not be loaded, phrased so the user knows what to fix:
/// `themes/x.theme:12: expected "#RRGGBB", "R G B" (0–255) or "" …`.
public struct ThemeError: Error, Hashable, Sendable, CustomStringConvertible {
  /// The file (or the name that was asked for).
  public var file: String
  /// The 1-based line, when the problem is on one line.
  public var line: Int?
  public var message: String

  public init(file: String, line: Int? = nil, message: String) {
    self.file = file
    self.line = line
    self.message = message
  }

  /// `file:line: message`, the format compilers use, so editors can jump
  /// to the line.
  public var description: String {
    if let line { return "\(file):\(line): \(Self.bounded(message))" }
    return "\(file): \(Self.bounded(message))"
  }

  /// `message` cut to 400 characters: a message quotes the offending value,
  /// and a megabyte-long value must not come back whole.
  static func bounded(_ message: String) -> String {
    message.count <= 400 ? message : String(message.prefix(400)) + "… (message cut: \(message.utf8.count) bytes)"
  }
}

/// Something in a theme file that was skipped but did not stop loading
/// (an unknown key, a duplicate), in the same `file:line: message` form.
public struct ThemeWarning: Hashable, Sendable, CustomStringConvertible {
  public var file: String
  public var line: Int
  public var message: String

  public init(file: String, line: Int, message: String) {
    self.file = file
    self.line = line
    self.message = message
  }

  public var description: String { "\(file):\(line): warning: \(ThemeError.bounded(message))" }
}
