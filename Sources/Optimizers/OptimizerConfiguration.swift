/// A hand-designed optimizer and its learning rate: what the command line
/// names (`adam`, `adam@0.01`), what the race and the tuner make optimizers
/// from, and what sessions record.
///
/// A configuration is problem-independent; ``make(dimension:lipschitz:)``
/// sizes an optimizer for one problem. Leaving ``learningRate`` nil means
/// "the kind's default", which for the proximal-gradient methods is the
/// classical step 1/L of the problem at hand when it is known.
public struct OptimizerConfiguration: Sendable, Hashable, Codable, CustomStringConvertible {
  /// Which rule.
  public var kind: OptimizerKind
  /// η; nil for the kind's default (ISTA and FISTA: 1/L of the problem when
  /// known, else ``defaultLearningRate``).
  public var learningRate: Float?

  /// A configuration; `learningRate` nil means the default.
  public init(kind: OptimizerKind, learningRate: Float? = nil) {
    self.kind = kind
    self.learningRate = learningRate
  }

  /// Parses `name` or `name@rate`, e.g. `adam`, `adam@0.01`, `sgd@1e-3`.
  ///
  /// Names are matched case-insensitively and surrounding spaces are
  /// ignored. The rate must be a positive, finite number.
  public static func parse(_ text: String) throws(OptimizerError) -> OptimizerConfiguration {
    let parts = text.split(separator: "@", maxSplits: 1, omittingEmptySubsequences: false)
    let name = trimmed(parts.first ?? "").lowercased()
    guard let kind = OptimizerKind(rawValue: name) else {
      throw .unknownName(name)
    }
    guard parts.count == 2 else { return OptimizerConfiguration(kind: kind) }
    let rateText = trimmed(parts[1])
    guard let rate = Float(rateText), rate.isFinite, rate > 0 else {
      throw .invalidLearningRate(optimizer: name, text: rateText)
    }
    return OptimizerConfiguration(kind: kind, learningRate: rate)
  }

  /// `text` without leading and trailing whitespace.
  private static func trimmed(_ text: Substring) -> String {
    String(text.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
  }

  /// `name` or `name@rate`, the form ``parse(_:)`` reads back.
  public var description: String {
    guard let learningRate else { return kind.rawValue }
    return "\(kind.rawValue)@\(learningRate)"
  }

  /// Whether this is a proximal-gradient method (ISTA, FISTA), whose default
  /// step is 1/L.
  public var isProximalGradient: Bool {
    switch kind {
    case .ista, .fista: true
    case .sgd, .momentum, .nag, .rmsprop, .adam, .adagrad, .bb: false
    }
  }

  /// The rate used when none is given and, for ISTA and FISTA, when the
  /// problem's Lipschitz constant is unknown.
  ///
  /// These are the usual starting points, not tuned values (the race tunes
  /// every baseline on ``LearningRateGrid/halfDecades``): 0.01 for SGD, the
  /// momentum methods, RMSprop, Adam and the proximal methods (the tuned SGD,
  /// RMSprop and NAG rates on the 10-d quadratic), and 0.1 for AdaGrad, whose
  /// per-coordinate steps shrink like η/√t and so need a larger start; 0.1
  /// for Barzilai–Borwein, whose η is only its first step's RMS length.
  public var defaultLearningRate: Float {
    switch kind {
    case .sgd, .momentum, .nag, .rmsprop, .adam, .ista, .fista: 0.01
    case .adagrad, .bb: 0.1
    }
  }

  /// The η that ``make(dimension:lipschitz:)`` uses: the given rate, else
  /// 1/L for ISTA and FISTA when `lipschitz` is a positive finite number,
  /// else ``defaultLearningRate``.
  public func resolvedLearningRate(lipschitz: Float?) -> Float {
    if let learningRate { return learningRate }
    if isProximalGradient, let lipschitz, lipschitz.isFinite, lipschitz > 0 {
      return 1 / lipschitz
    }
    return defaultLearningRate
  }

  /// A fresh optimizer of this kind for `dimension` parameters.
  ///
  /// `lipschitz` is the problem's Lipschitz constant of ∇s when known
  /// (`Problem.smoothLipschitz`); only ISTA and FISTA use it, and only when
  /// no rate was given.
  public func make(dimension: Int, lipschitz: Float?) -> any Optimizer {
    let eta = resolvedLearningRate(lipschitz: lipschitz)
    switch kind {
    case .sgd: return SGD(dimension: dimension, learningRate: eta)
    case .momentum: return Momentum(dimension: dimension, learningRate: eta)
    case .nag: return NAG(dimension: dimension, learningRate: eta)
    case .rmsprop: return RMSprop(dimension: dimension, learningRate: eta)
    case .adam: return Adam(dimension: dimension, learningRate: eta)
    case .adagrad: return AdaGrad(dimension: dimension, learningRate: eta)
    case .ista: return SGD(dimension: dimension, learningRate: eta, kind: .ista)
    case .fista: return FISTA(dimension: dimension, learningRate: eta)
    case .bb: return BarzilaiBorwein(dimension: dimension, learningRate: eta)
    }
  }
}
