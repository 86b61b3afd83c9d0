/// What Mnemo knows about a problem class before building or sampling it:
/// its name and options, whether it is composite, what data it needs, the
/// defaults a learned optimizer and its meta-training start from, and a
/// rough cost for progress estimates.
///
/// Every class-level fact lives here, in the class's own file, so adding a
/// class is that file plus one line in ``ProblemCatalog/profiles``; nothing
/// else switches on class names, and nothing samples an instance (the
/// sparse classes' reference solve included) to learn a class-level fact.
public struct ProblemProfile: Sendable {
  /// The name used on the command line and in sessions (`quadratic`, …).
  public let name: String
  /// One line for `mnemo problems`, describing the default options.
  public let summary: String
  /// The `key=value` options the class accepts, sorted.
  public let optionNames: [String]
  /// Whether the objective has a non-smooth penalty Ω (handled by its
  /// proximal operator): the proximal-gradient baselines ISTA and FISTA
  /// race only on composite classes, and learned optimizers end their steps
  /// with the prox.
  public let isComposite: Bool
  /// Whether every instance knows a Lipschitz constant L of ∇s
  /// (``Problem/smoothLipschitz``), so ISTA and FISTA take the step 1/L
  /// instead of a tuned one.
  public let knowsLipschitz: Bool
  /// The data set building the class loads (nil: generated from the seed).
  public let dataSet: DataSet?
  /// Whether one instance is expensive enough (thousands of coordinates,
  /// minibatch gradients) that interactive use must keep races small and
  /// tune baselines in the background.
  public let isExpensive: Bool
  /// Where a learned LSTM optimizer starts on this class.
  public let learnedDefaults: LearnedDefaults
  /// Where meta-training starts on this class.
  public let metaTrainingDefaults: MetaTrainingDefaults
  /// Rough costs from the class's options (for ETAs only).
  let estimate: @Sendable (_ options: [String: String]) -> ProblemCost
  /// Builds the class from validated options.
  let build: @Sendable (_ options: [String: String], _ mnistDirectory: String?) throws(ProblemError) -> any ProblemClass

  public init(
    name: String, summary: String, optionNames: [String], isComposite: Bool = false, knowsLipschitz: Bool = false,
    dataSet: DataSet? = nil,
    isExpensive: Bool = false, learnedDefaults: LearnedDefaults, metaTrainingDefaults: MetaTrainingDefaults,
    estimate: @escaping @Sendable (_ options: [String: String]) -> ProblemCost,
    build: @escaping @Sendable (_ options: [String: String], _ mnistDirectory: String?) throws(ProblemError) ->
      any ProblemClass
  ) {
    self.name = name
    self.summary = summary
    self.optionNames = optionNames.sorted()
    self.isComposite = isComposite
    self.knowsLipschitz = knowsLipschitz
    self.dataSet = dataSet
    self.isExpensive = isExpensive
    self.learnedDefaults = learnedDefaults
    self.metaTrainingDefaults = metaTrainingDefaults
    self.estimate = estimate
    self.build = build
  }

  /// A data set a class loads from disk.
  public enum DataSet: String, Sendable {
    /// The four MNIST IDX files (`--mnist DIR`).
    case mnist
  }

  /// Whether building the class needs the MNIST files.
  public var needsMNIST: Bool { dataSet == .mnist }

  /// Builds the class from `key=value` options (unknown keys and bad values
  /// throw, listing what is valid). `mnistDirectory` is read only by classes
  /// whose ``dataSet`` is MNIST.
  public func make(options: [String: String] = [:], mnistDirectory: String? = nil) throws(ProblemError)
    -> any ProblemClass
  {
    try build(options, mnistDirectory)
  }

  /// Rough costs of an instance with `options` (defaults where an option is
  /// absent or malformed: this is for progress estimates, never for
  /// validation).
  public func cost(options: [String: String] = [:]) -> ProblemCost { estimate(options) }
}

/// The starting point of a learned LSTM optimizer on one class.
public struct LearnedDefaults: Sendable, Hashable {
  /// The gradient preprocessing, in its session-record form
  /// (`GradientPreprocessing(parsing:)` in `Optimizers`; a test checks that
  /// every profile's parses).
  public let preprocessing: String
  /// The multiplier of the network's output.
  public let outputScale: Float

  public init(preprocessing: String, outputScale: Float) {
    self.preprocessing = preprocessing
    self.outputScale = outputScale
  }
}

/// The meta-training settings that differ between classes.
public struct MetaTrainingDefaults: Sendable, Hashable {
  /// Problems per meta-batch.
  public let batch: Int
  /// Adam's learning rate on the optimizer's weights.
  public let learningRate: Float

  public init(batch: Int, learningRate: Float = 1e-3) {
    self.batch = batch
    self.learningRate = learningRate
  }
}

/// Orders of magnitude of an instance's costs, for ETAs: the ETA is elapsed
/// × remaining/done, so a constant factor cancels and only ratios matter.
public struct ProblemCost: Sendable, Hashable {
  /// n, the parameters of an instance.
  public let dimension: Double
  /// Floating-point operations of one gradient.
  public let gradientFlops: Double
  /// Floating-point operations of sampling one instance (a reference
  /// solve, where there is one).
  public let samplingFlops: Double

  public init(dimension: Double, gradientFlops: Double, samplingFlops: Double? = nil) {
    self.dimension = dimension
    self.gradientFlops = gradientFlops
    self.samplingFlops = samplingFlops ?? gradientFlops
  }
}

extension [String: String] {
  /// The integer option `key` for a cost estimate, `fallback` when absent or
  /// malformed.
  func estimateInteger(_ key: String, _ fallback: Int) -> Double {
    Double(self[key].flatMap { Int($0.trimmed) } ?? fallback)
  }

  /// The range option `key` (`N` or `MIN-MAX`) for a cost estimate,
  /// `fallback` when absent or malformed.
  func estimateRange(_ key: String, _ fallback: ClosedRange<Int>) -> ClosedRange<Int> {
    self[key].flatMap { OptionReader.parseRange($0) } ?? fallback
  }
}
