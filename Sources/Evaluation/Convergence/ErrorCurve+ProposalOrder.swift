#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

extension ErrorCurve {
  /// The research proposal's order-of-convergence estimate,
  ///
  ///     α_t = (log e_{t+1} − λ) / log e_t,
  ///
  /// aggregated over `window` by the median of its finite values.
  ///
  /// It comes from reading `e_{t+1} ≈ C e_t^α` in logarithms,
  /// `log e_{t+1} = log C + α log e_t`: λ stands for log C, the logarithm of
  /// the asymptotic error constant, and α_t is what that line gives for one
  /// pair of errors. Consequences (derived in `docs/convergence.md`):
  /// - λ shifts every value by a known amount,
  ///   `α_t(λ) = α_t(0) − λ / log e_t`; for errors below 1 (log e_t < 0) a
  ///   positive λ raises α.
  /// - With the right λ the estimate is exact: `e_{t+1} = C e_t^p` gives
  ///   α_t = p at every step when λ = log C. In particular a linear sequence
  ///   `e_{t+1} = μ e_t` reads α = 1 exactly with λ = log μ.
  /// - With λ = 0 (the default, "C = 1"), a linear sequence `e_t = c ρᵗ`
  ///   gives `α_t = 1 + log ρ / log e_t`, which creeps towards 1 only as
  ///   e_t → 0: the estimate depends on the scale of the errors, which is
  ///   why the proposal asked for a form without λ (``order(in:)``).
  /// - log e_t = 0 (e_t = 1) makes α_t infinite, and errors above 1 flip its
  ///   sign; such values are dropped when non-finite and otherwise reported
  ///   as they are. Normalising errors by e₀ first puts them all below 1 on a
  ///   converging run.
  ///
  /// Only pairs of measurable errors (finite, above ``floor``) are used.
  ///
  /// - Returns: the median of the finite α_t, or nil when there is none.
  public func proposalOrder(in window: Range<Int>, lambda: Double = 0) -> Double? {
    Self.median(of: proposalOrders(in: window, lambda: lambda))
  }

  /// The finite per-step α_t over `window`, in step order (what
  /// ``proposalOrder(in:lambda:)`` takes the median of; the proposal's
  /// objective is their mean).
  public func proposalOrders(in window: Range<Int>, lambda: Double = 0) -> [Double] {
    let steps = clamped(window)
    guard steps.count >= 2 else { return [] }
    var values: [Double] = []
    values.reserveCapacity(steps.count - 1)
    for t in steps.lowerBound..<(steps.upperBound - 1) where isMeasurable(t) && isMeasurable(t + 1) {
      let alpha = (logError(t + 1) - lambda) / logError(t)
      if alpha.isFinite { values.append(alpha) }
    }
    return values
  }

  /// α from two errors `e_t, e_{t+1}` and λ, nil when either error is not a
  /// positive finite number or the result is not finite.
  public static func proposalOrder(current: Double, next: Double, lambda: Double = 0) -> Double? {
    guard current.isFinite, current > 0, next.isFinite, next > 0 else { return nil }
    let alpha = (log(next) - lambda) / log(current)
    return alpha.isFinite ? alpha : nil
  }
}
