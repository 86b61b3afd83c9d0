import Optimizees

/// An update rule `θ_{t+1} = θ_t + g_t`, stepped once per iteration.
///
/// Optimizers are stateful values (momenta, running moments, a recurrent
/// network's hidden state), sized for one problem's dimension when they are
/// made. The race drives them all through the same three calls, in this
/// order, every step:
/// 1. ``gradientPoint(parameters:into:)`` — where ∇s should be evaluated
///    (θ itself for most rules; FISTA's extrapolated point y);
/// 2. ``step(parameters:gradient:)`` — update θ in place from that gradient;
/// 3. ``applyProximal(of:to:)`` — the problem's proximal operator, by
///    default with step ``proximalStep``, so every optimizer is a proximal
///    method on composite problems (ISTA is exactly SGD followed by the
///    prox).
public protocol Optimizer: Sendable {
  /// A short, stable display name (`adam`, `lstm`, …).
  var name: String { get }

  /// Whether ∇s is taken somewhere other than θ (see
  /// ``gradientPoint(parameters:into:)``).
  var usesLookahead: Bool { get }

  /// Writes the point at which the gradient for the next step must be
  /// evaluated. Called only when ``usesLookahead`` is true.
  func gradientPoint(parameters: [Float], into point: inout [Float])

  /// Updates `parameters` in place given ∇s at the gradient point. Allocates
  /// nothing.
  mutating func step(parameters: inout [Float], gradient: [Float])

  /// The step τ handed to `prox_{τΩ}` after each update.
  var proximalStep: Float { get }

  /// θ ← the prox of `regularizer` after this rule's update (call 3 above).
  /// By default `prox_{τΩ}` with τ = ``proximalStep``; a rule whose step
  /// differs per coordinate applies the prox with those steps, so its fixed
  /// points are the composite problem's minimisers
  /// (``Optimizees/Regularizer/applyProximal(_:steps:)``).
  func applyProximal(of regularizer: Regularizer, to parameters: inout [Float])

  /// Hands the rule `f(θ_t)`, the objective at the current iterate, just
  /// before the step from θ_t. Gradient rules ignore it; a guard
  /// (``GuardedOptimizer``) watches it to notice a learned rule raising the
  /// loss.
  mutating func observe(loss: Float)

  /// Floating-point operations one ``step(parameters:gradient:)`` takes (the
  /// update alone, not the gradient, which every racer pays alike): counted
  /// from the rule's arithmetic, each +, −, ×, ÷, √ and transcendental as
  /// one. An estimate for comparing rules, not a hardware count; nil where
  /// no count is given. What the race's cost column and `mnemo race` report
  /// beside the measured wall time.
  var flopsPerStep: Double? { get }
}

extension Optimizer {
  public var usesLookahead: Bool { false }

  public func gradientPoint(parameters: [Float], into point: inout [Float]) {
    point = parameters
  }

  public mutating func observe(loss: Float) {}

  public func applyProximal(of regularizer: Regularizer, to parameters: inout [Float]) {
    regularizer.applyProximal(&parameters, step: proximalStep)
  }

  public var flopsPerStep: Double? { nil }
}
