#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// What meta-training minimises over an unroll, as a function of the
/// optimizee losses `f_b(θ_t)` the learned optimizer reaches (b over the
/// batch of problems, t over the unroll's steps).
///
/// With `e = max(f − r, 0)` the error above the optimum, `e₀` the error at the
/// start of the problem's episode, `ε = 10⁻⁸·e₀` a floor and
/// `L_t = log((e_t + ε)/(e₀ + ε))` the normalised log-error:
/// - ``lossSum``: `(1/B) Σ_b Σ_t f_b(θ_t)` — Andrychowicz et al. (2016),
///   w_t = 1. Dominated by the problems and steps with the largest losses.
/// - ``logLoss``: `(1/B) Σ_b Σ_t L_t` — scale-free: every problem and every
///   decade of progress counts the same (L2O-Scale's log objective).
/// - ``rate``: `(1/B) Σ_b Σ_t L_t / t` with t the step within the episode —
///   minus the mean over horizons t of `log μ̄_t`, where
///   `μ̄_t = ((e_t + ε)/(e₀ + ε))^{1/t}` is the average linear convergence rate
///   from the start to step t. It maximises the expected rate of convergence
///   without the proposal's λ; `docs/objectives.md` derives it and explains
///   why the per-step rate `e_{t+1}/e_t` alone telescopes.
public enum MetaObjective: String, CaseIterable, Sendable, Codable {
  case lossSum = "loss-sum"
  case logLoss = "log-loss"
  case rate

  /// The meta-loss of one unroll and its gradient with respect to every loss.
  ///
  /// - Parameters:
  ///   - losses: K × B row-major, `losses[t·B + b] = f_b(θ_{t₀+t+1})`.
  ///   - optima: r_b.
  ///   - initialErrors: e₀ of each problem's episode.
  ///   - firstStep: the episode step of the unroll's first loss (t₀ + 1 ≥ 1).
  ///   - gradient: receives ∂meta-loss/∂losses (K × B).
  /// - Returns: the meta-loss.
  public func evaluate(
    losses: UnsafeBufferPointer<Double>, batch: Int, optima: [Double], initialErrors: [Double],
    firstStep: Int, gradient: UnsafeMutableBufferPointer<Double>
  ) -> Double {
    precondition(batch > 0 && losses.count % batch == 0 && gradient.count == losses.count)
    let steps = losses.count / batch
    let inverseBatch = 1 / Double(batch)
    var total = 0.0
    for t in 0..<steps {
      let weight: Double = self == .rate ? 1 / Double(firstStep + t) : 1
      for b in 0..<batch {
        let index = t * batch + b
        let f = losses[index]
        switch self {
        case .lossSum:
          total += f * inverseBatch
          gradient[index] = inverseBatch
        case .logLoss, .rate:
          let floor = 1e-8 * max(initialErrors[b], 1e-30)
          let error = f - optima[b]
          let shifted = max(error, 0) + floor
          total += weight * inverseBatch * log(shifted / (max(initialErrors[b], 0) + floor))
          gradient[index] = error > 0 ? weight * inverseBatch / shifted : 0
        }
      }
    }
    return total
  }
}
