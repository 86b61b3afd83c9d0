/// A distribution over optimizees: the unit a learned optimizer is trained
/// on and evaluated on.
///
/// Sampling is a pure function of the seed, so training, tuning and held-out
/// evaluation instances are fixed by disjoint seed streams
/// (`LinearAlgebra.SeedStream`).
public protocol ProblemClass: Sendable {
  /// The class-level facts shared by every configuration of the class
  /// (its entry in ``ProblemCatalog``).
  var profile: ProblemProfile { get }

  /// The short name used on the command line (`quadratic`, `lasso`, …).
  var name: String { get }

  /// One line for `mnemo problems`.
  var summary: String { get }

  /// A canonical, stable description of the class and its options (e.g.
  /// `quadratic(n=10,distribution=gaussian)`), used as the key of cached
  /// tuning results and recorded in sessions.
  var configurationKey: String { get }

  /// The instance for `seed`.
  func sample(seed: UInt64) -> any Problem
}

extension ProblemClass {
  public var name: String { profile.name }
}
