/// The convergence-rate estimates of one run, as the dashboard's table and
/// `mnemo race` report them: the linear rate μ, the order q, the proposal's
/// α with its λ, and the steps to a tolerance.
///
/// All four are computed by ``init(curve:window:tolerance:lambda:)`` from an
/// ``ErrorCurve``; see the estimators on ``ErrorCurve`` for the maths and
/// `docs/convergence.md` for the derivations. A nil estimate means the
/// window held nothing measurable (shown as "—"), never a guess.
public struct ConvergenceEstimates: Sendable, Hashable, Codable {
  /// μ, the geometric-mean one-step ratio over ``window``
  /// (``ErrorCurve/linearRate(in:)``): < 1 converging, > 1 diverging.
  public var linearRate: Double?
  /// q, the median three-point order over ``window``
  /// (``ErrorCurve/order(in:)``): 1 linear, 2 quadratic.
  public var order: Double?
  /// α, the median of the proposal's `(log e_{t+1} − λ)/log e_t` over
  /// ``window`` (``ErrorCurve/proposalOrder(in:lambda:)``).
  public var proposalOrder: Double?
  /// The λ ``proposalOrder`` was computed with.
  public var lambda: Double
  /// The first step whose error is within ``tolerance`` (over the whole
  /// curve, not just the window), nil if none.
  public var stepsToTolerance: Int?
  /// The tolerance ``stepsToTolerance`` refers to.
  public var tolerance: ConvergenceTolerance
  /// The steps μ, q and α were read from, nil when the window selected none.
  public var window: Range<Int>?

  /// The tolerance used when none is given: the initial error reduced a
  /// hundredfold. It is relative so that one default fits problems whose
  /// losses differ in scale; how far a 100-step race gets depends on the
  /// problem class, so callers that know their class should pass their own.
  public static let defaultTolerance = ConvergenceTolerance.relative(1e-2)

  /// Estimates for `curve` over `window` (by default the last half of its
  /// measurable part, see ``ConvergenceWindow/lastHalf``), with steps to
  /// `tolerance` and the proposal's α at `lambda`.
  public init(
    curve: ErrorCurve, window: ConvergenceWindow = .lastHalf,
    tolerance: ConvergenceTolerance = ConvergenceEstimates.defaultTolerance, lambda: Double = 0
  ) {
    let steps = window.resolve(on: curve)
    self.window = steps
    self.lambda = lambda
    self.tolerance = tolerance
    self.stepsToTolerance = curve.steps(toReach: tolerance)
    if let steps {
      linearRate = curve.linearRate(in: steps)
      order = curve.order(in: steps)
      proposalOrder = curve.proposalOrder(in: steps, lambda: lambda)
    } else {
      linearRate = nil
      order = nil
      proposalOrder = nil
    }
  }
}
