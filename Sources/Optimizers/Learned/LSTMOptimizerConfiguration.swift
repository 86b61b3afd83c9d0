import Optimizees
/// The architecture of the coordinatewise LSTM optimizer (Andrychowicz et
/// al. 2016): a stack of LSTM layers applied to every coordinate with shared
/// weights, a linear head, and an update rule turning the head's outputs
/// into a step — by default `Δθᵢ = scale · (w_outᵀ h_{L,i} + b_out)`
/// (``LearnedUpdateRule``).
public struct LSTMOptimizerConfiguration: Sendable, Hashable, Codable {
  /// Stacked LSTM layers.
  public var layers: Int
  /// Hidden units per layer.
  public var hiddenSize: Int
  /// The gradient's preprocessing into input features.
  public var preprocessing: GradientPreprocessing
  /// The multiplier of the head's output (``LearnedUpdateRule/additive``),
  /// or the first step's RMS length (``LearnedUpdateRule/secant``).
  public var outputScale: Float
  /// How the head's outputs become Δθ.
  public var update: LearnedUpdateRule

  public init(
    layers: Int = 2, hiddenSize: Int = 20, preprocessing: GradientPreprocessing = .none,
    outputScale: Float = 1, update: LearnedUpdateRule = .additive
  ) {
    self.layers = layers
    self.hiddenSize = hiddenSize
    self.preprocessing = preprocessing
    self.outputScale = outputScale
    self.update = update
  }

  /// The defaults of a problem class: its profile's features and output
  /// scale (each class's file says why), two layers of 20 units as the L2L
  /// paper.
  public static func defaults(for profile: ProblemProfile) -> LSTMOptimizerConfiguration {
    LSTMOptimizerConfiguration(
      preprocessing: GradientPreprocessing(parsing: profile.learnedDefaults.preprocessing) ?? .logAndSign(k: 5),
      outputScale: profile.learnedDefaults.outputScale)
  }

  /// The defaults of the class `name` (see ``defaults(for:)``); classes not
  /// in the catalog get LogAndSign features and scale 0.1.
  public static func defaults(forProblem name: String) -> LSTMOptimizerConfiguration {
    guard let profile = try? ProblemCatalog.profile(named: name) else {
      return LSTMOptimizerConfiguration(preprocessing: .logAndSign(k: 5), outputScale: 0.1)
    }
    return defaults(for: profile)
  }

  /// Input features per coordinate.
  public var inputSize: Int { preprocessing.featureCount }

  /// The `key=value` record kept in a session's manifest (`update` only
  /// when it is not the default, so older readers still load additive
  /// sessions).
  public var record: [String: String] {
    var record = [
      "architecture": LearnedArchitecture.lstm.rawValue, "layers": String(layers), "hidden": String(hiddenSize),
      "preprocessing": preprocessing.description, "scale": String(outputScale),
    ]
    if update != .additive { record["update"] = update.rawValue }
    return record
  }

  /// Rebuilds a configuration from ``record``; nil when a field is missing
  /// or malformed (the caller names the file). A record without `update`
  /// (every session saved before the secant rule) is additive.
  public init?(record: [String: String]) {
    guard record["architecture"] == LearnedArchitecture.lstm.rawValue,
      let layers = record["layers"].flatMap(Int.init), Limits.layers.contains(layers),
      let hidden = record["hidden"].flatMap(Int.init), Limits.hidden.contains(hidden),
      let preprocessing = record["preprocessing"].flatMap(GradientPreprocessing.init(parsing:)),
      let scale = record["scale"].flatMap(Float.init), scale.isFinite,
      let update = record["update"].map(LearnedUpdateRule.init(rawValue:)) ?? .additive
    else { return nil }
    self.init(layers: layers, hiddenSize: hidden, preprocessing: preprocessing, outputScale: scale, update: update)
  }
}
