/// LISTA with analytic weights as an ``Optimizer``: step t applies layer
/// min(t, K − 1) of ``LISTAParameters``,
///
///     z       = x + β_k (x − x_prev)
///     x       ← z − (γ_k/L) ∇s(z)          (``step(parameters:gradient:)``)
///     x       ← prox_{(θ_k/L)Ω}(x)          (the caller, with ``proximalStep``)
///
/// so it runs any number of steps: the first K use the K learned layers, the
/// rest repeat the last one (a learned-step ISTA, or a constant-momentum
/// FISTA, whose threshold equals its step so it converges to the problem's
/// own minimiser; see ``LISTAParameters``).
///
/// How it maps onto the race's three calls is FISTA's scheme (see
/// ``FISTA``): `parameters` holds the iterate x, the state holds x_prev;
/// ``gradientPoint(parameters:into:)`` writes z, ``step(parameters:gradient:)``
/// recomputes the same z from ∇s(z), and records the threshold of the layer
/// it used before advancing, because the caller reads ``proximalStep`` after
/// the step. On the first step x_prev is x₀, so z = x₀ whatever β₀ is.
public struct LISTAOptimizer: Optimizer {
  /// n, the number of parameters this optimizer was sized for.
  public let dimension: Int
  /// L, the Lipschitz constant of ∇s of the problem being solved.
  public let lipschitz: Float
  /// γ_k/L per layer.
  private let stepSizes: [Float]
  /// θ_k/L per layer (the prox step τ, so the ℓ1 threshold is τλ).
  private let proximalSteps: [Float]
  /// β_k per layer (all 0 without momentum).
  private let momenta: [Float]
  /// Whether any layer uses momentum (then ∇s is taken at z, not at x).
  private let hasMomentum: Bool
  /// x_{t−1}; equal to x₀ before the first step.
  public private(set) var previousIterate: [Float]
  /// The number of steps taken so far.
  public private(set) var stepsTaken = 0
  /// τ of the layer used by the last step (layer 0's before any step).
  public private(set) var proximalStep: Float

  /// A LISTA racer for one problem with Lipschitz constant `lipschitz` (L > 0),
  /// starting from `initialParameters` (x₀, so x_prev = x₀).
  public init(parameters: LISTAParameters, lipschitz: Float, initialParameters: [Float]) {
    precondition(lipschitz > 0 && lipschitz.isFinite, "LISTA needs a positive, finite Lipschitz constant")
    dimension = initialParameters.count
    self.lipschitz = lipschitz
    let layers = (0..<parameters.layers).map { parameters.layer($0) }
    let inverse = 1 / Double(lipschitz)
    stepSizes = layers.map { Float($0.step * inverse) }
    proximalSteps = layers.map { Float($0.threshold * inverse) }
    momenta = layers.map { Float($0.momentum) }
    hasMomentum = parameters.configuration.momentum
    previousIterate = initialParameters
    proximalStep = proximalSteps[0]
  }

  public var name: String { LearnedArchitecture.lista.rawValue }

  /// With momentum, ∇s is taken at the extrapolated point z.
  public var usesLookahead: Bool { hasMomentum }

  /// The layer the next step applies.
  private var layer: Int { min(stepsTaken, stepSizes.count - 1) }

  /// Writes z = x + β_k(x − x_prev); if `point` does not have `dimension`
  /// elements it is replaced by one that does.
  public func gradientPoint(parameters: [Float], into point: inout [Float]) {
    precondition(parameters.count == dimension)
    if point.count != dimension { point = parameters }
    ExtrapolatedGradientStep.point(
      parameters: parameters, previous: previousIterate, beta: momenta[layer], into: &point)
  }

  /// Given ∇s(z), leaves z − (γ_k/L)∇s(z) in `parameters` (the caller's prox
  /// with ``proximalStep`` = θ_k/L makes it x_{t+1}) and advances the layer.
  public mutating func step(parameters: inout [Float], gradient: [Float]) {
    precondition(parameters.count == dimension && gradient.count == dimension)
    let k = layer
    let eta = stepSizes[k]
    let beta = momenta[k]
    ExtrapolatedGradientStep.step(
      parameters: &parameters, previous: &previousIterate, gradient: gradient, beta: beta, eta: eta)
    proximalStep = proximalSteps[k]
    stepsTaken += 1
  }
}
