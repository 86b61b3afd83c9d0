/// Why a problem class could not be built: a bad name or option on the
/// command line, or MNIST data that is missing or damaged.
///
/// Every message says what went wrong and what to do about it, because these
/// errors reach users of `mnemo` verbatim.
public enum ProblemError: Error, CustomStringConvertible, Equatable {
  /// No problem class has this name; `valid` lists the names that exist.
  case unknownProblem(name: String, valid: [String])
  /// The problem class has no option `option`; `valid` lists its options.
  case unknownOption(problem: String, option: String, valid: [String])
  /// The option exists but `value` is not acceptable; `expected` describes
  /// what is (e.g. "an integer ≥ 1", "one of gaussian, uniform").
  case invalidOption(problem: String, option: String, value: String, expected: String)
  /// None of the `searched` directories holds the four MNIST IDX files;
  /// `missing` gives, per directory, what was not found there.
  case mnistNotFound(searched: [String], missing: [String])
  /// A data file exists but cannot be used: truncated, wrong magic number,
  /// inconsistent dimensions or counts, unreadable.
  case corruptFile(path: String, reason: String)
  /// A data file's SHA-256 differs from the one its directory's `SHA256SUMS`
  /// lists (a damaged or partial copy, or a Git LFS pointer in its place).
  case checksumMismatch(path: String, expected: String, actual: String)

  /// One line, short enough for a picker row or a status line: what is wrong
  /// and the one thing to do, where ``description`` gives the full story.
  public var summary: String {
    switch self {
    case .mnistNotFound:
      return "MNIST not found: use --mnist DIR or MNEMO_MNIST"
    case .corruptFile(let path, let reason):
      return "\(FileSystem.lastComponent(path)): \(reason)"
    case .checksumMismatch(let path, _, _):
      return "\(FileSystem.lastComponent(path)) fails its SHA-256 check: git checkout data/mnist"
    default:
      return description
    }
  }

  public var description: String {
    switch self {
    case .unknownProblem(let name, let valid):
      return "unknown problem class '\(name)'; valid names: \(valid.joined(separator: ", "))"
    case .unknownOption(let problem, let option, let valid):
      let list = valid.isEmpty ? "it takes no options" : "valid options: \(valid.joined(separator: ", "))"
      return "problem '\(problem)' has no option '\(option)'; \(list)"
    case .invalidOption(let problem, let option, let value, let expected):
      return "invalid value '\(value)' for option '\(option)' of problem '\(problem)': expected \(expected)"
    case .mnistNotFound(let searched, let missing):
      var lines = ["MNIST data not found. Searched:"]
      for (index, directory) in searched.enumerated() {
        let detail = index < missing.count ? " — \(missing[index])" : ""
        lines.append("  \(directory)\(detail)")
      }
      lines.append(
        "mnist-mlp and mnist-cnn need the four IDX files "
          + MNISTFiles.all.map(\.canonicalName).joined(separator: ", ")
          + " (each raw or gzipped as .gz).")
      lines.append(
        "Get them from the canonical MNIST distribution (yann.lecun.com/exdb/mnist) or a mirror such as"
          + " the ossci-datasets S3 bucket (https://ossci-datasets.s3.amazonaws.com/mnist/),")
      lines.append(
        "and put them in data/mnist/ under the current directory, or pass --mnist DIR,"
          + " or set MNEMO_MNIST=DIR. (A clone of the repository ships them in data/mnist/.)")
      return lines.joined(separator: "\n")
    case .corruptFile(let path, let reason):
      return "\(path): \(reason)"
    case .checksumMismatch(let path, let expected, let actual):
      return "\(path): SHA-256 is \(actual) but \(MNISTFiles.manifestName) beside it lists \(expected);"
        + " the file is damaged or incomplete (a Git LFS pointer, a partial copy). Restore it"
        + " (git checkout -- \(path), or copy it again) or pass --mnist DIR with a good copy."
    }
  }
}
