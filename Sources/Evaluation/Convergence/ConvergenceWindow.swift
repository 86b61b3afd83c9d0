/// Which steps of a curve the rate estimators read.
public enum ConvergenceWindow: Sendable, Hashable, Codable {
  /// The last half of the curve's measurable part: steps ⌊c/2⌋ … c, where c
  /// is the last step whose error is measurable (``ErrorCurve/lastMeasurableStep``).
  ///
  /// Why the last half: μ and q are asymptotic quantities (limits as t → ∞),
  /// and the first steps of a run are transient — Adam's bias-corrected
  /// warm-up, momentum's overshoot, a learned optimizer's opening moves — so
  /// they would describe how a run starts, not how fast it converges. The
  /// last half is the most asymptotic part that still holds enough steps
  /// (50 of a 100-step race) for the averages to smooth out oscillation.
  /// Why stop at c: once a run reaches its floor the error is rounding
  /// noise, and a window full of noise would report μ ≈ 1 for the run that
  /// converged fastest. When no error reaches the floor, c is the last step
  /// and this is the last half of the whole curve.
  case lastHalf
  /// The whole curve.
  case all
  /// Explicit steps (clamped to the curve).
  case steps(Range<Int>)

  /// The steps this window selects on `curve`, nil when it selects none
  /// (for ``lastHalf``: no measurable error).
  public func resolve(on curve: ErrorCurve) -> Range<Int>? {
    switch self {
    case .lastHalf:
      guard let last = curve.lastMeasurableStep else { return nil }
      return (last / 2)..<(last + 1)
    case .all:
      return curve.errors.isEmpty ? nil : curve.errors.indices
    case .steps(let range):
      let clamped = range.clamped(to: curve.errors.indices)
      return clamped.isEmpty ? nil : clamped
    }
  }
}
