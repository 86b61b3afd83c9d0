import Foundation

/// `session.json`: everything about a session except its weights and
/// histories — enough to rebuild the problem class, the learned optimizer's
/// architecture and the meta-training state, and to replay its races.
public struct SessionManifest: Sendable, Codable, Equatable {
  /// The format version this build writes and reads.
  public static let currentFormatVersion = 1

  /// The manifest's format version.
  public var formatVersion: Int
  /// The session's name (its folder's name).
  public var name: String
  /// The problem class the optimizer is trained on.
  public var problem: ProblemRecord
  /// The learned optimizer's architecture and options, as `key=value` pairs
  /// understood by the optimizer's own configuration type (recorded as text
  /// so the format does not change when architectures gain options).
  public var optimizer: [String: String]
  /// The meta-objective (`loss-sum`, `log-loss`, `rate`).
  public var objective: String
  /// Meta-training settings, as `key=value` pairs (horizon, unroll, batch,
  /// meta learning rate, …).
  public var training: [String: String]
  /// The run seed of meta-training.
  public var seed: UInt64
  /// Meta-iterations completed.
  public var metaIteration: Int
  /// Tuned learning rates of the hand-designed baselines, by kind.
  public var tunedLearningRates: [String: Float]
  /// The weights file in the session folder (named after the iteration, so a
  /// new one never overwrites the one this manifest points to).
  public var weightsFile: String
  /// The dashboard theme chosen for this session, if any.
  public var theme: String?
  /// Dashboard display settings (`logX`, `logY`, …), kept across runs.
  public var display: [String: String]
  /// When the session was first and last written.
  public var created: Date
  public var updated: Date

  public init(
    name: String, problem: ProblemRecord, optimizer: [String: String], objective: String,
    training: [String: String], seed: UInt64, metaIteration: Int = 0,
    tunedLearningRates: [String: Float] = [:], weightsFile: String = "weights-0.bin",
    theme: String? = nil, display: [String: String] = [:], created: Date = Date(), updated: Date = Date()
  ) {
    formatVersion = Self.currentFormatVersion
    self.name = name
    self.problem = problem
    self.optimizer = optimizer
    self.objective = objective
    self.training = training
    self.seed = seed
    self.metaIteration = metaIteration
    self.tunedLearningRates = tunedLearningRates
    self.weightsFile = weightsFile
    self.theme = theme
    self.display = display
    self.created = created
    self.updated = updated
  }
}

/// The problem class of a session: its catalog name and options.
public struct ProblemRecord: Sendable, Codable, Equatable {
  /// The catalog name (`quadratic`, …).
  public var name: String
  /// The options it was built with.
  public var options: [String: String]
  /// The class's configuration key when the session was written.
  public var configurationKey: String

  public init(name: String, options: [String: String], configurationKey: String) {
    self.name = name
    self.options = options
    self.configurationKey = configurationKey
  }
}
