import Evaluation
/// Why LISTA cannot be trained or raced on a problem class.
public enum LISTAError: Error, CustomStringConvertible, Equatable {
  /// The class is not one of the sparse coding classes (LISTA needs the
  /// dictionary's Gram matrix, L and a proximal operator).
  case unsupportedProblem(String)

  public var description: String {
    switch self {
    case .unsupportedProblem(let name):
      return "LISTA applies to the sparse coding classes only (lasso, group-lasso, sparse-l0), not '\(name)'; "
        + "choose one of those with --problem, or --architecture lstm|dnc for this class."
    }
  }
}
