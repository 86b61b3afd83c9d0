#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

extension ErrorCurve {
  /// The order of convergence q from three successive errors, with no free
  /// constant:
  ///
  ///     q_t = log(e_{t+1}/e_t) / log(e_t/e_{t−1}).
  ///
  /// If `e_{t+1} ≈ C e_tᵠ` for large t, dividing two consecutive instances
  /// gives `e_{t+1}/e_t ≈ (e_t/e_{t−1})ᵠ`, so the unknown constant C cancels
  /// (unlike in ``proposalOrder(in:lambda:)``; on `e_{t+1} = C e_tᵖ` every
  /// q_t is exactly p) and q is also unchanged when all errors are scaled by
  /// the same factor. Linear convergence gives
  /// q = 1 (`log μ / log μ`), quadratic (Newton) q = 2, superlinear
  /// sequences values between. Sublinear convergence (`e_t ~ 1/t`) also
  /// tends to 1; ``linearRate(in:)`` → 1 tells it apart.
  ///
  /// - Returns: the median of the finite q_t over the triples
  ///   (t−1, t, t+1) inside `window` whose three errors are measurable, or
  ///   nil when there is none.
  ///
  /// ## Robustness
  /// A single q_t is fragile: on a plateau `e_t ≈ e_{t−1}` its denominator
  /// vanishes and q_t explodes (or is 0/0, dropped as non-finite), and an
  /// oscillating sequence gives negative values. The median of the window's
  /// values ignores a minority of such outliers, where a mean would not.
  /// On a curve that is only rounding noise (a plateau at the floor's level)
  /// q carries no meaning, which is what the floor is for.
  ///
  /// - Complexity: O(k log k) for k triples in the window; allocates the
  ///   k values to take their median.
  public func order(in window: Range<Int>) -> Double? {
    Self.median(of: orders(in: window))
  }

  /// The finite per-step orders q_t over `window`, in step order (what
  /// ``order(in:)`` takes the median of).
  public func orders(in window: Range<Int>) -> [Double] {
    let steps = clamped(window)
    guard steps.count >= 3 else { return [] }
    var values: [Double] = []
    values.reserveCapacity(steps.count - 2)
    for t in (steps.lowerBound + 1)..<(steps.upperBound - 1)
    where isMeasurable(t - 1) && isMeasurable(t) && isMeasurable(t + 1) {
      let q = (logError(t + 1) - logError(t)) / (logError(t) - logError(t - 1))
      if q.isFinite { values.append(q) }
    }
    return values
  }

  /// q from three errors `e_{t−1}, e_t, e_{t+1}`, nil when any is not a
  /// positive finite number or the result is not finite.
  public static func order(previous: Double, current: Double, next: Double) -> Double? {
    guard [previous, current, next].allSatisfy({ $0.isFinite && $0 > 0 }) else { return nil }
    let q = (log(next) - log(current)) / (log(current) - log(previous))
    return q.isFinite ? q : nil
  }
}

extension ErrorCurve {
  /// The median of `values` (the mean of the two middle ones for an even
  /// count), nil for none.
  static func median(of values: [Double]) -> Double? {
    guard !values.isEmpty else { return nil }
    let sorted = values.sorted()
    let middle = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
  }
}
