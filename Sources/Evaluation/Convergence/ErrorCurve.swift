#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// The error sequence `e_t = f(θ_t) − r` of one run, t = 0, 1, …, with the
/// resolution below which an error counts as "converged", and the
/// convergence-rate estimators that read it.
///
/// The estimators (``linearRate(in:)``, ``order(in:)``,
/// ``proposalOrder(in:lambda:)``, ``steps(toReach:)``) are documented with
/// their maths in their own files and derived in `docs/convergence.md`. They
/// share one convention: an error is *measurable* when it is finite and
/// strictly above ``floor``. Errors at or below the floor (including exact
/// zeros and the small negative values float rounding produces when f dips
/// under a high-precision r) carry no rate information — their logarithm is
/// undefined or dominated by rounding — so every ratio that involves one is
/// left out. Non-finite errors (a diverged run's ∞ and NaN) are left out the
/// same way. Nothing here traps on any input.
///
/// ## Choosing the floor
/// With errors computed from float32 losses, the error cannot be resolved
/// below the float spacing near the optimum r: about `2⁻²³·|r|`.
/// ``float32Resolution(near:ulps:)`` gives a floor of a few such spacings.
/// The default floor, 0, only excludes zeros and negative errors, which suits
/// exact sequences and problems with r = 0.
public struct ErrorCurve: Sendable, Hashable, Codable {
  /// e_t, indexed by step (e₀ is the error at the starting point).
  public var errors: [Double]
  /// Errors at or below this value are treated as converged (not
  /// measurable). Must be ≥ 0 to exclude zeros.
  public var floor: Double

  /// A curve of errors `e_t`, with the given floor.
  public init(errors: [Double], floor: Double = 0) {
    self.errors = errors
    self.floor = floor
  }

  /// The curve `e_t = f_t − r` of float losses `f_t` against the optimum r,
  /// computed in double (so the subtraction itself adds no rounding).
  public init(losses: [Float], optimum: Double, floor: Double = 0) {
    self.init(errors: losses.map { Double($0) - optimum }, floor: floor)
  }

  /// A floor of `ulps` float32 spacings at the optimum r, `ulps·2⁻²³·|r|`:
  /// the smallest error float32 losses near r can express. Float sums of
  /// many terms are noisier than one spacing, so this is a lower bound on
  /// the useful floor; 0 when r = 0.
  public static func float32Resolution(near optimum: Double, ulps: Double = 4) -> Double {
    ulps * Double(Float.ulpOfOne) * abs(optimum)
  }

  /// The number of errors.
  public var count: Int { errors.count }

  /// Whether e_t is finite and above the floor.
  public func isMeasurable(_ t: Int) -> Bool {
    guard errors.indices.contains(t) else { return false }
    let e = errors[t]
    return e.isFinite && e > floor
  }

  /// The last step whose error is measurable, nil if none is: where a run
  /// reaches its floor (or diverges) and its rate stops being observable.
  public var lastMeasurableStep: Int? {
    errors.indices.last { isMeasurable($0) }
  }

  /// `window` clamped to the curve's steps.
  func clamped(_ window: Range<Int>) -> Range<Int> {
    window.clamped(to: errors.indices)
  }

  /// log e_t for a measurable step.
  func logError(_ t: Int) -> Double {
    log(errors[t])
  }
}
