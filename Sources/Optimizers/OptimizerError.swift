/// Why an optimizer specification such as `adam@0.01` was rejected.
public enum OptimizerError: Error, CustomStringConvertible, Equatable {
  /// The name before `@` is not one of ``OptimizerKind``'s.
  case unknownName(String)
  /// The text after `@` is not a positive, finite number.
  case invalidLearningRate(optimizer: String, text: String)

  public var description: String {
    switch self {
    case .unknownName(let name):
      let shown = name.isEmpty ? "an empty optimizer name" : "unknown optimizer '\(name)'"
      return "\(shown); valid names are \(OptimizerKind.validNames), "
        + "optionally with a learning rate after '@' (e.g. adam@0.01)"
    case .invalidLearningRate(let optimizer, let text):
      return "invalid learning rate '\(text)' for \(optimizer): expected a positive finite "
        + "number after '@', such as \(optimizer)@0.01 or \(optimizer)@1e-3"
    }
  }
}
