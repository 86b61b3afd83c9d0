/// FISTA (Beck & Teboulle 2009): ISTA with Nesterov extrapolation, which
/// improves the rate on convex composite problems from O(1/k) to O(1/k²).
///
/// With `x₀` the start, `y₁ = x₀` and `t₁ = 1`, for k ≥ 1:
///
///     x_k     = prox_{ηΩ}(y_k − η ∇s(y_k))
///     t_{k+1} = (1 + √(1 + 4 t_k²)) / 2
///     y_{k+1} = x_k + ((t_k − 1) / t_{k+1}) (x_k − x_{k−1})
///
/// and `f(x_k) − f* ≤ 2L‖x₀ − x*‖²/(k+1)²` for η = 1/L.
///
/// How it maps onto the race's three calls: `parameters` always holds the
/// iterate x (whose loss is reported), and the state holds the previous
/// iterate and the extrapolation weight β = (t_{k−1} − 1)/t_k (0 for the
/// first step, so y₁ = x₀).
/// 1. ``gradientPoint(parameters:into:)`` writes `y = x + β(x − x_prev)`;
/// 2. ``step(parameters:gradient:)`` receives ∇s(y), recomputes the same y
///    (the same float expression, so exactly the point the gradient was taken
///    at), keeps the current x as `x_prev`, and leaves `y − η∇s(y)` in
///    `parameters`, then advances t and β;
/// 3. the caller's `prox_{ηΩ}` turns that into the next iterate x.
///
/// Because the post-prox x is read from `parameters` at the next step, the
/// optimizer never needs to see the prox itself, and ``gradientPoint`` stays
/// free of side effects.
public struct FISTA: Optimizer {
  /// n, the number of parameters this optimizer was sized for.
  public let dimension: Int
  /// η, the gradient step and the prox step (1/L for the guarantee).
  public let learningRate: Float
  /// x_{k−1}, the iterate before the current one (meaningless, and unused,
  /// before the second step).
  public private(set) var previousIterate: [Float]
  /// t_k, the momentum sequence's value for the step about to be taken.
  public private(set) var momentumSequence: Double = 1
  /// β = (t_{k−1} − 1)/t_k, the weight of `x − x_prev` in the next gradient
  /// point.
  public private(set) var extrapolationWeight: Float = 0

  /// A FISTA rule for `dimension` parameters with step η = `learningRate`.
  public init(dimension: Int, learningRate: Float) {
    precondition(dimension >= 0, "dimension must be non-negative")
    self.dimension = dimension
    self.learningRate = learningRate
    self.previousIterate = [Float](repeating: 0, count: dimension)
  }

  public var name: String { OptimizerKind.fista.rawValue }

  /// The gradient is taken at the extrapolated point y, not at x.
  public var usesLookahead: Bool { true }

  /// η: the prox is `prox_{ηΩ}`.
  public var proximalStep: Float { learningRate }

  /// Writes `y = x + β (x − x_prev)`, x being `parameters`. If `point` does
  /// not have `dimension` elements it is replaced by one that does.
  public func gradientPoint(parameters: [Float], into point: inout [Float]) {
    precondition(parameters.count == dimension)
    if point.count != dimension { point = parameters }
    ExtrapolatedGradientStep.point(
      parameters: parameters, previous: previousIterate, beta: extrapolationWeight, into: &point)
  }

  /// Given ∇s(y), sets `parameters` to `y − η∇s(y)` (the caller's prox
  /// makes it the next iterate) and remembers the current iterate.
  public mutating func step(parameters: inout [Float], gradient: [Float]) {
    precondition(parameters.count == dimension && gradient.count == dimension)
    let eta = learningRate
    let beta = extrapolationWeight
    ExtrapolatedGradientStep.step(
      parameters: &parameters, previous: &previousIterate, gradient: gradient, beta: beta, eta: eta)
    let t = momentumSequence
    let next = (1 + (1 + 4 * t * t).squareRoot()) / 2
    extrapolationWeight = Float((t - 1) / next)
    momentumSequence = next
  }

  /// Restarts the momentum sequence (t = 1, β = 0), as if freshly made.
  public mutating func reset() {
    previousIterate.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
    momentumSequence = 1
    extrapolationWeight = 0
  }
}

extension FISTA {
  /// The extrapolation z = x + β(x − x₋) (three) and the gradient step (two):
  /// five per coordinate (the prox, shared with ISTA, is not counted).
  public var flopsPerStep: Double? { 5 * Double(dimension) }
}
