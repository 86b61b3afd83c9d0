#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// What LISTA's training minimises for one problem, over the T unrolled
/// steps, from the relative errors e_t = (f(x_t) − r)/r:
/// - `relative`: (1/T) Σ_{t=1..T} e_t — the mean relative error along the
///   trajectory; dominated by the early, large errors, so it mostly teaches
///   the first layers to drop the objective fast.
/// - `log-relative`: (1/T) Σ_{t=1..T} log max(e_t, 10⁻¹⁰) — every step
///   counts by its relative improvement, so the late layers (and the
///   repeated last layer) are trained as hard as the first ones.
/// Uniform weights w_t = 1/T in both: docs/lista.md reports what each gives.
public enum LISTAObjective: String, CaseIterable, Sendable, Codable {
  case relative
  case logRelative = "log-relative"

  /// The floor under e_t in the logarithm (below it the term is flat).
  public static let floor = 1e-10

  /// φ(e) for one step.
  public func value(_ error: Double) -> Double {
    switch self {
    case .relative: error
    case .logRelative: log(max(error, Self.floor))
    }
  }

  /// φ'(e).
  public func derivative(_ error: Double) -> Double {
    switch self {
    case .relative: 1
    case .logRelative: error > Self.floor ? 1 / error : 0
    }
  }
}
