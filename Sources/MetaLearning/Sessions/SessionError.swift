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
    }
  }
}
