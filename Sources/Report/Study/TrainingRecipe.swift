import Evaluation
import MetaLearning
import Optimizers

/// How a study's learned optimizer is trained when its session is missing:
/// enough to reproduce it (`mnemo train --session S --problem P --architecture A
/// --objective O --iterations N --seed S`).
public struct TrainingRecipe: Sendable, Hashable {
  /// The session name it creates.
  public var session: String
  public var problem: ProblemSpec
  /// `lstm`, `dnc`, or any architecture a ``ContenderRegistry`` can train.
  public var architecture: String
  /// The training objective's name: a ``MetaLearning/MetaObjective`` for
  /// the LSTM and DNC (`loss-sum`, `log-loss`, `rate`), a
  /// ``MetaLearning/LISTAObjective`` for LISTA (`log-relative`, `relative`).
  public var objective: String
  /// Meta-iterations.
  public var iterations: Int
  public var seed: UInt64
  /// Episode horizon T and truncation K.
  public var horizon: Int
  public var unroll: Int
  /// Problems per meta-batch (nil: the class's default).
  public var batch: Int?
  /// The gradient preprocessing (`rnnprop`, `log-sign:5`, …; nil: the
  /// class's default).
  public var preprocessing: String?
  /// The learned update's output scale (nil: the class's default).
  public var outputScale: Float?
  /// Adam's learning rate on φ (nil: the class's default).
  public var metaLearningRate: Float?
  /// Imitation of Adam at a fixed rate (nil: off). A recipe names the rate
  /// (the one `mnemo train` tuned for the shipped session), so the report
  /// needs no tuning run to reproduce it.
  public var imitation: Imitation?
  /// The update rule (nil: the additive default).
  public var update: LearnedUpdateRule?
  /// Validation instances per check (the best validated weights are what
  /// the session races).
  public var validationInstances: Int
  /// Validate every this many meta-iterations (and at the end).
  public var validateEvery: Int

  public init(
    session: String, problem: ProblemSpec, architecture: String = LearnedArchitecture.lstm.rawValue, objective: String = MetaObjective.lossSum.rawValue,
    iterations: Int, seed: UInt64 = 0, horizon: Int = 100, unroll: Int = 20, batch: Int? = nil,
    preprocessing: String? = nil, outputScale: Float? = nil, metaLearningRate: Float? = nil,
    imitation: Imitation? = nil, update: LearnedUpdateRule? = nil, validationInstances: Int = 20,
    validateEvery: Int = 100
  ) {
    self.imitation = imitation
    self.update = update
    self.session = session
    self.problem = problem
    self.architecture = architecture
    self.objective = objective
    self.iterations = iterations
    self.seed = seed
    self.horizon = horizon
    self.unroll = unroll
    self.batch = batch
    self.preprocessing = preprocessing
    self.outputScale = outputScale
    self.metaLearningRate = metaLearningRate
    self.validationInstances = validationInstances
    self.validateEvery = validateEvery
  }

  /// The equivalent `mnemo train` command line (for the report).
  public var commandLine: String {
    var parts = ["mnemo train --session \(session) --problem \(problem.name)"]
    for (key, value) in problem.options.sorted(by: { $0.key < $1.key }) { parts.append("--option \(key)=\(value)") }
    parts.append("--architecture \(architecture) --objective \(objective) --iterations \(iterations)")
    parts.append("--horizon \(horizon) --unroll \(unroll)")
    if let batch { parts.append("--batch \(batch)") }
    if let preprocessing { parts.append("--preprocessing \(preprocessing)") }
    if let outputScale { parts.append("--output-scale \(outputScale)") }
    if let metaLearningRate { parts.append("--meta-learning-rate \(metaLearningRate)") }
    if let update { parts.append("--update \(update.rawValue)") }
    if let imitation {
      parts.append(
        "--imitation-weight \(imitation.weight) --imitation-probability \(imitation.probability) "
          + "--imitation-rate \(imitation.learningRate)")
    }
    parts.append("--seed \(seed)")
    return parts.joined(separator: " ")
  }
}
