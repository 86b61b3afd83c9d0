/// How the learned optimizer's head becomes a step Δθ.
///
/// - ``additive`` (Andrychowicz et al. 2016): one output o per coordinate,
///   `Δθ = scale · o`. The step's size is whatever the network outputs, so
///   near an optimum, where the step must shrink geometrically with the
///   error, the network must output values many decades below those it was
///   trained on; in practice it plateaus beyond the training horizon.
/// - ``secant``: two outputs (o₁, o₂) per coordinate,
///
///       Δθ_t = −exp(ℓ_t) · η̂_t · g_t + tanh(o₂) · (θ_t − θ_{t−1}),  ℓ_t = 5·tanh(o₁/5),
///
///   a learned heavy-ball method around a secant step size: η̂_t is the
///   problem's Barzilai–Borwein step ‖s‖/‖y‖ (s = θ_t − θ_{t−1},
///   y = g_t − g_{t−1}; the geometric mean of the two BB steps), which
///   shrinks and grows with the problem's curvature, so the network only
///   chooses a bounded factor exp(ℓ) ∈ [e⁻⁵, e⁵] and a momentum
///   tanh(o₂) ∈ (−1, 1) (tanh, not a sigmoid, so that zero output means
///   zero momentum with a nonzero gradient: the untrained rule is exactly
///   BB, see ``LSTMOptimizerWeights``). Multiplying f by c multiplies g by c and η̂ by 1/c: the step is
///   unchanged, so a step 10⁻⁹ from the optimum looks like step 1 to the
///   rule. The first step, with no secant pair yet, takes η̂₀ = scale/rms(g₀)
///   (a step of RMS length `scale`). See ``SecantStepState`` and
///   docs/objectives.md.
/// - ``curvature``: the same two outputs and formula around a smoother step,
///   η̂_t = 1/L̂_t with L̂_t = max over the secant pairs so far of ‖y‖/‖s‖
///   (a running estimate of the Lipschitz constant of ∇f). Untrained it is
///   gradient descent with step 1/L̂, monotone and slow; the network
///   chooses how far beyond it to step and how much momentum to carry. BB's
///   step jumps between 1/λ_max and 1/λ_min, which makes its trajectory —
///   and the meta-gradient through it — chaotic; 1/L̂ changes only when a
///   larger curvature is seen.
///
/// On composite problems s + Ω both secant rules end the step with the prox
/// of Ω at each coordinate's own step τᵢ = exp(ℓᵢ)·η̂ (ℓ pooled to its mean
/// over a group penalty's groups), not at 1/L: a fixed point of
/// `θ = prox_τ(θ − τ⊙∇s(θ))` minimises s + Ω for any positive τ, so the
/// network's factor changes how fast the rule gets there but not where it
/// goes, and the heavy-ball term gives it FISTA's kind of acceleration.
public enum LearnedUpdateRule: String, Sendable, Hashable, Codable, CaseIterable {
  case additive
  case secant
  case curvature

  /// Head outputs per coordinate.
  public var outputCount: Int {
    switch self {
    case .additive: 1
    case .secant, .curvature: 2
    }
  }

  /// The step size the factor and momentum act on (nil: the additive rule).
  public var stepEstimate: SecantStepState.Estimate? {
    switch self {
    case .additive: nil
    case .secant: .barzilaiBorwein
    case .curvature: .largestCurvature
    }
  }

  /// Floating-point operations per coordinate to turn the head's outputs
  /// into the step (the head's products not counted), in the order-of-
  /// magnitude accounting of the optimizers' `flopsPerStep`: the additive
  /// rule's scale, bias and update (3); the secant rules' two biases, the
  /// bounded log-factor, its exponential, the momentum's tanh, the two
  /// products and sums of the step and the secant statistics' share (12).
  public var flopsPerCoordinate: Double {
    switch self {
    case .additive: 3
    case .secant, .curvature: 12
    }
  }

  /// One line for help texts.
  public var summary: String {
    switch self {
    case .additive: "Δθ = scale·o, the L2L paper's"
    case .secant: "a learned factor on a Barzilai–Borwein secant step, plus a learned momentum"
    case .curvature: "a learned factor on the step 1/L̂ (largest secant curvature so far), plus a learned momentum"
    }
  }

  /// The bound L of the log-factor ℓ = L·tanh(o₁/L): the factor stays
  /// within e^±L of the secant step, so one bad output cannot throw θ far.
  public static let logFactorBound: Float = 5
}
