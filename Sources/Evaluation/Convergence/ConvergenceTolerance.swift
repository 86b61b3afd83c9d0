/// The error level a run must reach to count as converged, for
/// ``ErrorCurve/steps(toReach:)``.
public enum ConvergenceTolerance: Sendable, Hashable, Codable, CustomStringConvertible {
  /// e_t ≤ tol.
  case absolute(Double)
  /// e_t ≤ tol·e₀: a reduction of the initial error by the factor tol,
  /// comparable across problems whose losses have different scales.
  case relative(Double)

  /// The error level for a run whose initial error is `initialError`
  /// (used only by ``relative(_:)``).
  public func threshold(initialError: Double) -> Double {
    switch self {
    case .absolute(let tolerance): tolerance
    case .relative(let factor): factor * initialError
    }
  }

  public var description: String {
    switch self {
    case .absolute(let tolerance): "e ≤ \(tolerance)"
    case .relative(let factor): "e ≤ \(factor)·e₀"
    }
  }
}
