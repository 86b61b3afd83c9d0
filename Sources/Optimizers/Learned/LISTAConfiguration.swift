/// The shape of a LISTA racer with analytic (problem-derived) weights: how
/// many learned layers K, and whether each layer also learns a momentum
/// (extrapolation) weight β_k, which makes it a learned FISTA ("LFISTA").
///
/// Layer k (0-based) of the unrolled network maps x_k to
///
///     z     = x_k + β_k (x_k − x_{k−1})            (β_k = 0 without momentum)
///     x_{k+1} = prox_{(θ_k/L)Ω}(z − (γ_k/L) ∇s(z)),   ∇s(z) = Dᵀ(Dz − y),
///
/// with L = ‖D‖₂² taken from each problem, so the only learned numbers are
/// the K step multipliers γ_k, the K − 1 threshold multipliers θ_k of the
/// first K − 1 layers (the last layer's threshold is tied to its step,
/// θ_{K−1} = γ_{K−1}) and, optionally, the K momenta β_k. Beyond layer K the
/// last layer repeats forever; see ``LISTAParameters`` for why its
/// threshold is tied and how γ and β are bounded so that the repetition
/// converges to the problem's own minimiser. docs/lista.md has the full
/// argument and why LISTA's full matrices (W_e, S) do not apply when D
/// changes with every instance.
public struct LISTAConfiguration: Sendable, Hashable, Codable {
  /// K, the number of learned layers (≥ 1).
  public var layers: Int
  /// Whether each layer learns an extrapolation weight β_k (the default:
  /// on `lasso` it cuts the relative error after 100 steps by a factor of
  /// about 400 over LISTA without it; docs/lista.md).
  public var momentum: Bool

  public init(layers: Int = 16, momentum: Bool = true) {
    precondition(layers >= 1, "LISTA needs at least one layer")
    self.layers = layers
    self.momentum = momentum
  }

  /// The number of learned (unconstrained) parameters: K steps, K − 1
  /// thresholds, and K momenta when enabled.
  public var parameterCount: Int { layers + (layers - 1) + (momentum ? layers : 0) }

  /// The `key=value` record kept in a session's manifest.
  public var record: [String: String] {
    ["architecture": LearnedArchitecture.lista.rawValue, "layers": String(layers), "momentum": String(momentum)]
  }

  /// Rebuilds a configuration from ``record``; nil when the record is not a
  /// LISTA one or a field is missing or malformed (the caller names the
  /// file).
  public init?(record: [String: String]) {
    guard record["architecture"] == LearnedArchitecture.lista.rawValue,
      let layers = record["layers"].flatMap(Int.init), layers >= 1, layers <= 10_000,
      let momentum = record["momentum"].flatMap(Bool.init)
    else { return nil }
    self.init(layers: layers, momentum: momentum)
  }
}
