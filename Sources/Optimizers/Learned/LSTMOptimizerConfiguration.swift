import Optimizees
/// The architecture of the coordinatewise LSTM optimizer (Andrychowicz et
/// al. 2016): a stack of LSTM layers applied to every coordinate with shared
/// weights, a linear head, and an output scale,
/// `Δθᵢ = scale · (w_outᵀ h_{L,i} + b_out)`.
public struct LSTMOptimizerConfiguration: Sendable, Hashable, Codable {
  /// Stacked LSTM layers.
  public var layers: Int
  /// Hidden units per layer.
  public var hiddenSize: Int
  /// The gradient's preprocessing into input features.
  public var preprocessing: GradientPreprocessing
  /// The multiplier of the head's output.
  public var outputScale: Float

  public init(
    layers: Int = 2, hiddenSize: Int = 20, preprocessing: GradientPreprocessing = .none,
    outputScale: Float = 1
  ) {
    self.layers = layers
    self.hiddenSize = hiddenSize
    self.preprocessing = preprocessing
    self.outputScale = outputScale
  }

  /// The defaults per problem class, in one place. They follow DeepMind's
  /// learning-to-learn code (`util.py`): raw gradients and scale 1 on
  /// quadratics; LogAndSign(k = 5) and scale 0.01 on MNIST. Classes the
  /// anchors do not cover get LogAndSign with a scale suited to their
  /// gradients' size (logistic: 0.1; rosenbrock: 0.01).
  ///
  /// The sparse classes end every step with a prox that zeroes small
  /// coordinates, and start at θ₀ = 0: if the freshly initialised optimizer's
  /// steps (about 0.01·scale) all fall below the threshold, θ stays at 0 and
  /// the prox's zero Jacobian leaves no meta-gradient. Measured
  /// (docs/proximal.md): `lasso` and `group-lasso` (thresholds λ/L ≈ 0.001 and
  /// 0.002) learn with scale 0.3 but not with 0.1; `sparse-l0` (hard
  /// threshold √(2λ/L) ≈ 0.04) learns with scale 10 but not with 3.
  public static func defaults(forProblem name: String) -> LSTMOptimizerConfiguration {
    switch name {
    case "lasso", "group-lasso":
      LSTMOptimizerConfiguration(preprocessing: .logAndSign(k: 5), outputScale: 0.3)
    case "sparse-l0":
      LSTMOptimizerConfiguration(preprocessing: .logAndSign(k: 5), outputScale: 10)
    case "quadratic":
      LSTMOptimizerConfiguration(preprocessing: .none, outputScale: 1)
    case "mnist-mlp":
      LSTMOptimizerConfiguration(preprocessing: .logAndSign(k: 5), outputScale: 0.01)
    case "rosenbrock":
      LSTMOptimizerConfiguration(preprocessing: .logAndSign(k: 5), outputScale: 0.01)
    default:
      LSTMOptimizerConfiguration(preprocessing: .logAndSign(k: 5), outputScale: 0.1)
    }
  }

  /// Input features per coordinate.
  public var inputSize: Int { preprocessing.featureCount }

  /// The `key=value` record kept in a session's manifest.
  public var record: [String: String] {
    [
      "architecture": "lstm", "layers": String(layers), "hidden": String(hiddenSize),
      "preprocessing": preprocessing.description, "scale": String(outputScale),
    ]
  }

  /// Rebuilds a configuration from ``record``; nil when a field is missing
  /// or malformed (the caller names the file).
  public init?(record: [String: String]) {
    guard record["architecture"] == "lstm",
      let layers = record["layers"].flatMap(Int.init), Limits.layers.contains(layers),
      let hidden = record["hidden"].flatMap(Int.init), Limits.hidden.contains(hidden),
      let preprocessing = record["preprocessing"].flatMap(GradientPreprocessing.init(parsing:)),
      let scale = record["scale"].flatMap(Float.init), scale.isFinite
    else { return nil }
    self.init(layers: layers, hiddenSize: hidden, preprocessing: preprocessing, outputScale: scale)
  }
}
