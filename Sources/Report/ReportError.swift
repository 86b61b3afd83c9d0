/// Why a report could not be made, with what to do about it.
public enum ReportError: Error, CustomStringConvertible, Equatable {
  /// `--sections` named a section the study does not have.
  case unknownSection(name: String, valid: [String])
  /// The output directory cannot be created or written.
  case unwritableOutput(path: String, reason: String)
  /// A file of the report could not be written.
  case writeFailed(path: String, reason: String)

  public var description: String {
    switch self {
    case .unknownSection(let name, let valid):
      "unknown section '\(name)'; the study's sections are \(valid.joined(separator: ", "))."
    case .unwritableOutput(let path, let reason):
      "cannot write the report into \(path): \(reason). Pass --out with a directory you can write to."
    case .writeFailed(let path, let reason):
      "could not write \(path): \(reason). Files written before it are kept; fix the cause and rerun."
    }
  }
}
