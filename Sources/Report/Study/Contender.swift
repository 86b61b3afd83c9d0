import Optimizers

/// One entrant of a study's race.
public enum Contender: Sendable, Hashable {
  /// A hand-designed optimizer: its learning rate tuned on separate
  /// instances for the race's horizon (ISTA and FISTA take 1/L).
  case baseline(OptimizerKind)
  /// The learned optimizer of a named session (trained from the study's
  /// recipe when missing and training is allowed).
  case learned(session: String)

  /// The name rows and legends show.
  public var name: String {
    switch self {
    case .baseline(let kind): kind.rawValue
    case .learned(let session): session
    }
  }
}
