import Optimizers

/// One entrant of a study's race.
public enum Contender: Sendable, Hashable {
  /// A hand-designed optimizer: its learning rate tuned on separate
  /// instances for the race's horizon (ISTA and FISTA take 1/L).
  case baseline(OptimizerKind)
  /// The learned optimizer of a named session (trained from the study's
  /// recipe when missing and training is allowed).
  case learned(session: String)
  /// A session's learned optimizer behind a loss guard
  /// (``Optimizers/GuardedOptimizer``): when its smoothed loss rises 50%
  /// above its best, `fallback` (at its tuned rate) takes over for good.
  case guarded(session: String, fallback: OptimizerKind)

  /// The name rows and legends show.
  public var name: String {
    switch self {
    case .baseline(let kind): kind.rawValue
    case .learned(let session): session
    case .guarded(let session, let fallback): "\(session)+guard(\(fallback.rawValue))"
    }
  }

  /// The session it races, if it is learned.
  public var session: String? {
    switch self {
    case .baseline: nil
    case .learned(let session), .guarded(let session, _): session
    }
  }

  /// The hand-designed optimizer it races (a baseline, or a guard's
  /// fallback), whose rate ``BaselineRoster`` resolves.
  var baselineKind: OptimizerKind? {
    switch self {
    case .baseline(let kind), .guarded(_, let kind): kind
    case .learned: nil
    }
  }
}
