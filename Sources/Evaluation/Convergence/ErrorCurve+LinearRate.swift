#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

extension ErrorCurve {
  /// The linear rate μ over `window`: the geometric mean of the one-step
  /// ratios `e_{t+1}/e_t` for consecutive steps t, t+1 in the window.
  ///
  /// A sequence converges linearly (Q-linearly) with rate μ ∈ (0, 1) when
  /// `e_{t+1}/e_t → μ`; then `e_t ≈ C μᵗ` and −log₁₀ μ is the number of
  /// decimal digits gained per step. The geometric mean is the right
  /// average of ratios: it telescopes,
  ///
  ///     (∏_{t=a}^{b−1} e_{t+1}/e_t)^{1/(b−a)} = (e_b / e_a)^{1/(b−a)},
  ///
  /// so it is the constant rate that takes the run from e_a to e_b in the
  /// same number of steps, and oscillating ratios (momentum methods) average
  /// out instead of dominating. It is computed as `exp(mean log ratio)` so
  /// that no ratio overflows.
  ///
  /// ## Robustness
  /// - Only pairs whose two errors are both measurable (finite, above
  ///   ``floor``) are used. When a run sits at its floor at the end of the
  ///   window those steps are dropped, and μ is the rate of the approach to
  ///   the floor rather than of the rounding noise after it; the telescoped
  ///   form above then holds for the measurable prefix.
  /// - Zeros, negative errors, ∞ and NaN never reach a logarithm.
  /// - μ > 1 means the error grew over the window (divergence); μ ≈ 1 a
  ///   plateau or sublinear convergence (see ``order(in:)`` and
  ///   `docs/convergence.md`).
  ///
  /// - Returns: μ, or nil when the window holds no measurable pair.
  /// - Complexity: O(window length), no allocation.
  public func linearRate(in window: Range<Int>) -> Double? {
    let steps = clamped(window)
    guard steps.count >= 2 else { return nil }
    var sum = 0.0
    var pairs = 0
    for t in steps.lowerBound..<(steps.upperBound - 1)
    where isMeasurable(t) && isMeasurable(t + 1) {
      sum += logError(t + 1) - logError(t)
      pairs += 1
    }
    guard pairs > 0 else { return nil }
    return exp(sum / Double(pairs))
  }

  /// The one-step ratios `e_{t+1}/e_t` over `window`, for the measurable
  /// pairs only (what ``linearRate(in:)`` averages), in step order.
  public func stepRatios(in window: Range<Int>) -> [Double] {
    let steps = clamped(window)
    guard steps.count >= 2 else { return [] }
    return (steps.lowerBound..<(steps.upperBound - 1))
      .filter { isMeasurable($0) && isMeasurable($0 + 1) }
      .map { exp(logError($0 + 1) - logError($0)) }
  }
}
