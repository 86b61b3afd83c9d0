#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The learned numbers of a LISTA racer, stored unconstrained and mapped to
/// the per-layer step γ_k, threshold θ_k and momentum β_k through bounded
/// functions, so that no value Adam can reach makes the racer diverge.
///
/// Layout of ``values`` (raw, unconstrained): `a` (K step logits), then `b`
/// (K − 1 log-thresholds), then `c` (K momentum logits, only with momentum).
///
///     β_k = σ(c_k)                       ∈ (0, 1)   (0 without momentum)
///     γ_k = B(β_k)·σ(a_k),  B(β) = (2 + 2β)/(1 + 2β) ∈ (4/3, 2]
///     θ_k = exp(b_k)          for k < K − 1
///     θ_{K−1} = γ_{K−1}
///
/// Why these bounds. Beyond layer K the last layer repeats, so the tail is a
/// fixed proximal-gradient iteration x ← prox_{(θ/L)Ω}(z − (γ/L)∇s(z)),
/// z = x + β(x − x_prev).
/// - Its fixed points satisfy x = prox_{(θ/L)Ω}(x − (γ/L)∇s(x)), i.e. they
///   minimise s + (θ/γ)Ω. Only θ = γ makes that the problem's own objective
///   s + Ω, hence the tie of the last threshold to the last step; the first
///   K − 1 thresholds are free (LISTA's strength is thresholding harder
///   early, when the iterate is far from the support).
/// - Without momentum the tail is ISTA with step γ/L; for convex s + Ω with
///   L-Lipschitz ∇s, proximal gradient converges for any step in (0, 2/L)
///   (Combettes & Wajs 2005), hence γ ∈ (0, 2).
/// - With momentum, on the quadratic that s is on a fixed support (which
///   the lasso iteration identifies after finitely many steps) an eigenvalue
///   h = γμ/L ∈ (0, γ] of the scaled Hessian gives the recurrence
///   e' = (1+β)(1−h)e − β(1−h)e_prev, stable exactly when
///   h < (2 + 2β)/(1 + 2β); with μ ≤ L this holds for every eigenvalue when
///   γ < B(β). This is a local (post-identification) argument, not a global
///   theorem for the non-smooth iteration; docs/lista.md says so and reports
///   the 1000-step behaviour measured.
/// The first K layers are a finite composition, so they cannot diverge in
/// the sense of the race; they share the same bounds because the last layer
/// is one of them.
///
/// With a = b = 0 and β = 0 (momentum off) the racer is ISTA with step 1/L,
/// LISTA's usual initialisation. With momentum, c starts at
/// ``initialMomentumLogit`` (β ≈ 0.018) and a at the logit that makes γ = 1,
/// so the initial racer is ISTA up to that small β.
public struct LISTAParameters: Sendable, Equatable {
  /// K and whether momentum is learned.
  public let configuration: LISTAConfiguration
  /// The raw parameters (see the type's discussion for the layout).
  public var values: [Float]

  /// The logit at which every momentum starts.
  public static let initialMomentumLogit: Double = -4

  /// Parameters with the given raw values (`values.count` must equal
  /// `configuration.parameterCount`).
  public init(configuration: LISTAConfiguration, values: [Float]) {
    precondition(values.count == configuration.parameterCount, "LISTAParameters: wrong parameter count")
    self.configuration = configuration
    self.values = values
  }

  /// The ISTA initialisation (see the type's discussion).
  public init(configuration: LISTAConfiguration) {
    var values = [Float](repeating: 0, count: configuration.parameterCount)
    if configuration.momentum {
      let beta = Self.sigmoid(Self.initialMomentumLogit)
      let a = Self.logit(1 / Self.stepBound(beta))
      for k in 0..<configuration.layers {
        values[k] = Float(a)
        values[2 * configuration.layers - 1 + k] = Float(Self.initialMomentumLogit)
      }
    }
    self.init(configuration: configuration, values: values)
  }

  /// K.
  public var layers: Int { configuration.layers }

  /// Index of `a_k` in ``values``.
  public func stepIndex(_ k: Int) -> Int { k }
  /// Index of `b_k` in ``values`` (k < K − 1).
  public func thresholdIndex(_ k: Int) -> Int { layers + k }
  /// Index of `c_k` in ``values`` (momentum only).
  public func momentumIndex(_ k: Int) -> Int { 2 * layers - 1 + k }

  /// The layer applied at step `t` (0-based): layer t for t < K, the last
  /// layer afterwards.
  public func layerIndex(step t: Int) -> Int { min(max(t, 0), layers - 1) }

  /// γ_k, θ_k and β_k of layer `k` (clamped to the last layer).
  public func layer(_ k: Int) -> LISTALayer {
    Self.layer(k, configuration: configuration) { Double(values[$0]) }
  }

  /// γ_k, θ_k and β_k of layer `k` (clamped to the last layer) for raw
  /// values read through `raw` (index → value), so the Double training
  /// unroll and the Float racer share one definition of the maps.
  public static func layer(
    _ k: Int, configuration: LISTAConfiguration, raw: (Int) -> Double
  ) -> LISTALayer {
    let layers = configuration.layers
    let k = min(max(k, 0), layers - 1)
    let beta = configuration.momentum ? sigmoid(raw(2 * layers - 1 + k)) : 0
    let gamma = stepBound(beta) * sigmoid(raw(k))
    let theta = k == layers - 1 ? gamma : exp(raw(layers + k))
    return LISTALayer(step: gamma, threshold: theta, momentum: beta)
  }

  /// B(β) = (2 + 2β)/(1 + 2β), the bound on γ for momentum β.
  public static func stepBound(_ beta: Double) -> Double { (2 + 2 * beta) / (1 + 2 * beta) }

  /// dB/dβ = −2/(1 + 2β)².
  public static func stepBoundDerivative(_ beta: Double) -> Double {
    -2 / ((1 + 2 * beta) * (1 + 2 * beta))
  }

  /// The logistic function, computed without overflow for large |x|.
  public static func sigmoid(_ x: Double) -> Double {
    x >= 0 ? 1 / (1 + exp(-x)) : exp(x) / (1 + exp(x))
  }

  /// The inverse of ``sigmoid(_:)`` on (0, 1).
  public static func logit(_ p: Double) -> Double { log(p / (1 - p)) }

}

/// One layer's effective step multiplier γ (the gradient step is γ/L),
/// threshold multiplier θ (the prox step is θ/L, so the ℓ1 threshold is
/// θλ/L) and momentum β.
public struct LISTALayer: Sendable, Equatable {
  public var step: Double
  public var threshold: Double
  public var momentum: Double

  public init(step: Double, threshold: Double, momentum: Double) {
    self.step = step
    self.threshold = threshold
    self.momentum = momentum
  }
}
