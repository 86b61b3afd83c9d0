/// Why a session could not be read or written. Every message names the file
/// and says what to do; nothing is modified when reading fails.
public enum SessionError: Error, CustomStringConvertible, Equatable {
  /// No session folder by that name.
  case notFound(name: String, directory: String, available: [String])
  /// A file exists but cannot be understood.
  case corrupt(path: String, reason: String)
  /// A file from a newer (or unknown) format version.
  case unsupportedVersion(path: String, found: Int, supported: Int)
  /// The session's name is not usable as a folder name.
  case invalidName(String)
  /// A file could not be written.
  case writeFailed(path: String, reason: String)
  /// The session holds a different kind of optimizer or problem than asked.
  case mismatch(path: String, reason: String)
  /// A field of a file holds a value outside what Mnemo accepts (the same
  /// range the command line accepts).
  case invalidField(path: String, field: String, value: String, expected: String)
  /// The session is shipped with Mnemo (listed in its sessions folder's
  /// `SHIPPED` file) and is never written.
  case readOnly(path: String)

  public var description: String {
    switch self {
    case .notFound(let name, let directory, let available):
      let list = available.isEmpty ? "there are none yet" : "available: \(available.joined(separator: ", "))"
      return "no session '\(name)' in \(directory) (\(list)); train one with `mnemo train --session \(name)`."
    case .corrupt(let path, let reason):
      return "\(path): \(reason). Restore it from a backup or delete the session and train again."
    case .unsupportedVersion(let path, let found, let supported):
      return "\(path): format version \(found), but this mnemo reads version \(supported). "
        + "Use the mnemo that wrote it, or retrain."
    case .invalidName(let name):
      return "'\(name)' is not a valid session name: use letters, digits, '-', '_' and '.' (not leading)."
    case .writeFailed(let path, let reason):
      return "could not write \(path): \(reason)."
    case .mismatch(let path, let reason):
      return "\(path): \(reason)."
    case .invalidField(let path, let field, let value, let expected):
      return "\(path): field '\(field)' is \(Self.quote(value)), expected \(expected). "
        + "Fix the value, or restore the file from a backup."
    case .readOnly(let path):
      return "\(path) is a session shipped with Mnemo and is never written; "
        + "training from it continues in sessions/local/ (see docs/sessions.md)."
    }
  }

  /// `value` for a message: quoted, and cut to 60 characters so a megabyte
  /// of garbage is not echoed back.
  static func quote(_ value: String) -> String {
    let shown = value.count > 60 ? String(value.prefix(60)) + "… (\(value.utf8.count) bytes)" : value
    return "'\(shown)'"
  }
}
