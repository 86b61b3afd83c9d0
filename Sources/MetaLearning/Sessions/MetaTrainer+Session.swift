import Evaluation
import Optimizees
import Optimizers
import Sessions

extension LSTMOptimizerWeights {
  /// φ as named tensors (one per layout slot).
  public var namedTensors: NamedTensors {
    NamedTensors(slots.map { NamedTensors.Entry(name: $0.name, shape: $0.shape, values: Array(values[$0.range])) })
  }

  /// φ as named tensors whose names start with `prefix`.
  public func namedTensors(prefix: String) -> NamedTensors {
    NamedTensors(namedTensors.entries.map { .init(name: prefix + $0.name, shape: $0.shape, values: $0.values) })
  }

  /// φ read back from named tensors (names optionally prefixed): every slot
  /// of `configuration`'s layout must be present with its shape.
  public init(
    configuration: LSTMOptimizerConfiguration, tensors: NamedTensors, path: String, prefix: String = ""
  ) throws(SessionError) {
    var values = [Float](repeating: 0, count: Self.parameterCount(configuration))
    for slot in Self.tensorLayout(configuration) {
      guard let entry = tensors[prefix + slot.name] else {
        throw .mismatch(path: path, reason: "tensor '\(prefix + slot.name)' is missing for this LSTM configuration")
      }
      guard entry.shape == slot.shape else {
        throw .mismatch(path: path, reason: "tensor '\(slot.name)' has shape \(entry.shape), expected \(slot.shape)")
      }
      values.replaceSubrange(slot.range, with: entry.values)
    }
    self.init(configuration: configuration, values: values)
  }
}

extension DNCOptimizerWeights {
  /// φ read back from named tensors (names optionally prefixed): every slot
  /// of `configuration`'s layout must be present with its shape.
  public init(
    configuration: DNCOptimizerConfiguration, tensors: NamedTensors, path: String, prefix: String = ""
  ) throws(SessionError) {
    let values = try NamedTensors.values(
      of: Self.tensorLayout(configuration), in: tensors, path: path, prefix: prefix, architecture: "DNC")
    self.init(configuration: configuration, values: values)
  }
}

extension NamedTensors {
  /// The flat φ laid out by `slots`, read from tensors named `prefix+slot`.
  static func values(
    of slots: [LSTMOptimizerWeights.TensorSlot], in tensors: NamedTensors, path: String, prefix: String,
    architecture: String
  ) throws(SessionError) -> [Float] {
    var values = [Float](repeating: 0, count: slots.last?.range.upperBound ?? 0)
    for slot in slots {
      guard let entry = tensors[prefix + slot.name] else {
        throw .mismatch(
          path: path,
          reason: "tensor '\(prefix + slot.name)' is missing for this \(architecture) configuration")
      }
      guard entry.shape == slot.shape else {
        throw .mismatch(
          path: path, reason: "tensor '\(slot.name)' has shape \(entry.shape), expected \(slot.shape)")
      }
      values.replaceSubrange(slot.range, with: entry.values)
    }
    return values
  }
}

extension LearnedOptimizerWeights {
  /// φ as named tensors (one per layout slot), names prefixed by `prefix`.
  public func namedTensors(prefix: String = "") -> NamedTensors {
    let values = self.values
    return NamedTensors(
      slots.map {
        NamedTensors.Entry(name: prefix + $0.name, shape: $0.shape, values: Array(values[$0.range]))
      })
  }

  /// The weights a manifest's optimizer record describes, read from named
  /// tensors: `architecture=lstm` or `architecture=dnc`.
  public init(
    record: [String: String], tensors: NamedTensors, path: String, prefix: String = ""
  ) throws(SessionError) {
    if let lstm = LSTMOptimizerConfiguration(record: record) {
      self = .lstm(
        try LSTMOptimizerWeights(configuration: lstm, tensors: tensors, path: path, prefix: prefix))
    } else if let dnc = DNCOptimizerConfiguration(record: record) {
      self = .dnc(try DNCOptimizerWeights(configuration: dnc, tensors: tensors, path: path, prefix: prefix))
    } else {
      throw .corrupt(
        path: path, reason: "the 'optimizer' record is not a valid LSTM or DNC configuration: \(record)")
    }
  }
}

extension MetaTrainer {
  /// φ and the meta-optimizer's moments, for a session's weights file.
  public var sessionTensors: NamedTensors {
    var tensors = weights.namedTensors()
    tensors.entries += metaOptimizer.sessionEntries
    if let best {
      tensors.entries += best.weights.namedTensors(prefix: Self.bestPrefix).entries
      tensors.entries.append(.init(name: "best.validation-loss", shape: [1], values: [Float(best.validationLoss)]))
    }
    return tensors
  }

  /// The learned optimizer's configuration recorded in a manifest.
  public static func optimizerConfiguration(of manifest: SessionManifest, path: String? = nil) throws(SessionError)
    -> LSTMOptimizerConfiguration
  {
    guard let configuration = LSTMOptimizerConfiguration(record: manifest.optimizer) else {
      throw .corrupt(
        path: path ?? "sessions/\(manifest.name)/session.json",
        reason: "the 'optimizer' record is not a valid LSTM configuration: \(manifest.optimizer)")
    }
    return configuration
  }

  /// A trainer that resumes `session` on `problemClass`, with φ, Adam's
  /// moments and the iteration count restored.
  public static func resume(_ session: Session, problemClass: any ProblemClass) throws(SessionError) -> MetaTrainer {
    let manifest = session.manifest
    let path = session.path(of: manifest.weightsFile)
    guard let objective = MetaObjective(rawValue: manifest.objective),
      let training = MetaTrainingConfiguration(record: manifest.training, objective: objective, seed: manifest.seed)
    else {
      throw .corrupt(
        path: session.path(of: "session.json"), reason: "the objective or training settings are invalid")
    }
    let weights = try LearnedOptimizerWeights(
      record: manifest.optimizer, tensors: session.weights, path: path)
    var adam = MetaAdam(count: weights.values.count, learningRate: training.learningRate)
    adam.restore(from: session.weights)
    var best: (weights: LearnedOptimizerWeights, validationLoss: Double)?
    if let loss = session.weights["best.validation-loss"]?.values.first {
      let weights = try LearnedOptimizerWeights(
        record: manifest.optimizer, tensors: session.weights, path: path, prefix: bestPrefix)
      best = (weights, Double(loss))
    }
    var progress = CurriculumProgress()
    if training.curriculum != nil {
      guard let stage = manifest.training["curriculum-stage"].flatMap(Int.init),
        let stale = manifest.training["curriculum-stale"].flatMap(Int.init), stale >= 0,
        training.curriculum?.horizons.indices.contains(stage) == true,
        training.curriculum?.horizons[stage] == training.horizon
      else {
        throw .corrupt(
          path: session.path(of: "session.json"),
          reason: "the curriculum's stage is missing or does not match the horizon")
      }
      progress = CurriculumProgress(stage: stage, stale: stale)
    }
    return MetaTrainer(
      problemClass: problemClass, configuration: training, weights: weights, metaOptimizer: adam,
      iteration: manifest.metaIteration, best: best, curriculumProgress: progress)
  }

  /// The prefix of the best validated weights' tensors in a session.
  static let bestPrefix = "best."


  /// The learned optimizer stored in `session` for racing: the best
  /// validated weights when the session has them, else the latest.
  public static func weights(of session: Session) throws(SessionError) -> LearnedOptimizerWeights {
    let path = session.path(of: session.manifest.weightsFile)
    let hasBest = session.weights["best.validation-loss"] != nil
    return try LearnedOptimizerWeights(
      record: session.manifest.optimizer, tensors: session.weights, path: path,
      prefix: hasBest ? bestPrefix : "")
  }
}
