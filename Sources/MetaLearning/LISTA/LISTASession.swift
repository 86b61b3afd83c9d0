import Evaluation
import Optimizees
import Optimizers
import Sessions

/// LISTA in the session formats every learned optimizer uses
/// (``SessionStore``, ``SessionManifest``, ``WeightsFile``): the manifest's
/// optimizer record is ``LISTAConfiguration/record`` (`architecture=lista`),
/// its training record ``LISTATrainingConfiguration/record``, and the
/// weights file holds the raw parameters as three tensors — `lista.step`
/// [K], `lista.threshold` [K−1], `lista.momentum` [K] (with momentum) — plus
/// Adam's moments (`meta-adam.*`) and the best validated parameters
/// (`best.lista.*`, `best.validation-loss`), the same names the LSTM's
/// sessions use for those.
///
/// Also the small public API other commands call: ``racer(store:name:)``
/// loads a saved LISTA into a ``Racer``, ``train(problemClass:configuration:training:iterations:validateEvery:progress:)``
/// trains one.
public enum LISTASession {
  static let stepName = "lista.step"
  static let thresholdName = "lista.threshold"
  static let momentumName = "lista.momentum"
  static let bestPrefix = "best."

  /// Whether `manifest` describes a LISTA session.
  public static func isLISTA(_ manifest: SessionManifest) -> Bool {
    manifest.optimizer["architecture"] == LearnedArchitecture.lista.rawValue
  }

  /// The raw parameters as named tensors, names prefixed by `prefix`.
  public static func tensors(of parameters: LISTAParameters, prefix: String = "") -> NamedTensors {
    let K = parameters.layers
    let values = parameters.values
    var entries: [NamedTensors.Entry] = [
      .init(name: prefix + stepName, shape: [K], values: Array(values[0..<K])),
      .init(name: prefix + thresholdName, shape: [K - 1], values: Array(values[K..<(2 * K - 1)])),
    ]
    if parameters.configuration.momentum {
      entries.append(.init(name: prefix + momentumName, shape: [K], values: Array(values[(2 * K - 1)...])))
    }
    return NamedTensors(entries)
  }

  /// Parameters of `configuration` read from tensors named `prefix+…`;
  /// every tensor must be present, with its shape and finite values.
  public static func parameters(
    configuration: LISTAConfiguration, tensors: NamedTensors, path: String, prefix: String = ""
  ) throws(SessionError) -> LISTAParameters {
    let K = configuration.layers
    var slots = [(stepName, K), (thresholdName, K - 1)]
    if configuration.momentum { slots.append((momentumName, K)) }
    var values: [Float] = []
    for (name, count) in slots {
      guard let entry = tensors[prefix + name] else {
        throw .mismatch(path: path, reason: "tensor '\(prefix + name)' is missing for a LISTA of \(K) layers")
      }
      guard entry.shape == [count] else {
        throw .mismatch(
          path: path, reason: "tensor '\(prefix + name)' has shape \(entry.shape), expected [\(count)]")
      }
      guard entry.values.allSatisfy(\.isFinite) else {
        throw .corrupt(path: path, reason: "tensor '\(prefix + name)' holds non-finite values")
      }
      values += entry.values
    }
    return LISTAParameters(configuration: configuration, values: values)
  }

  /// A new session's manifest for training `configuration` with `training`
  /// on `problem`.
  public static func manifest(
    name: String, problem: ProblemRecord, configuration: LISTAConfiguration, training: LISTATrainingConfiguration
  ) -> SessionManifest {
    SessionManifest(
      name: name, problem: problem, optimizer: configuration.record, objective: training.objective.rawValue,
      training: training.record, seed: training.seed)
  }

  /// The session to save for `trainer`: `manifest` with the iteration count
  /// updated, the parameters, Adam's state and the best parameters.
  public static func session(
    trainer: LISTATrainer, manifest: SessionManifest, trainingHistory: CSVTable,
    raceHistory: CSVTable = CSVTable(header: [])
  ) -> Session {
    var manifest = manifest
    manifest.metaIteration = trainer.iteration
    var tensors = tensors(of: trainer.parameters)
    tensors.entries += trainer.adam.sessionEntries
    if let best = trainer.best {
      tensors.entries += Self.tensors(of: best.parameters, prefix: bestPrefix).entries
      tensors.entries.append(.init(name: "best.validation-loss", shape: [1], values: [Float(best.validationLoss)]))
    }
    return Session(manifest: manifest, weights: tensors, trainingHistory: trainingHistory, raceHistory: raceHistory)
  }

  /// The LISTA configuration recorded in `manifest`.
  public static func configuration(of manifest: SessionManifest, path: String? = nil) throws(SessionError)
    -> LISTAConfiguration
  {
    guard let configuration = LISTAConfiguration(record: manifest.optimizer) else {
      throw .corrupt(
        path: path ?? "sessions/\(manifest.name)/session.json",
        reason: "the 'optimizer' record is not a valid LISTA configuration: \(manifest.optimizer)")
    }
    return configuration
  }

  /// The parameters to race from `session`: the best validated ones when
  /// the session has them, else the latest.
  public static func parameters(of session: Session) throws(SessionError) -> LISTAParameters {
    let configuration = try configuration(of: session.manifest, path: session.path(of: "session.json"))
    let path = session.path(of: session.manifest.weightsFile)
    let hasBest = session.weights["best.validation-loss"] != nil
    return try parameters(
      configuration: configuration, tensors: session.weights, path: path, prefix: hasBest ? bestPrefix : "")
  }

  /// A trainer continuing `session` on `problemClass`, with the parameters,
  /// Adam's state, the iteration count and the best parameters restored.
  public static func resume(_ session: Session, problemClass: any ProblemClass) throws(SessionError) -> LISTATrainer {
    let manifest = session.manifest
    let path = session.path(of: manifest.weightsFile)
    let configuration = try configuration(of: manifest, path: session.path(of: "session.json"))
    guard
      let training = LISTATrainingConfiguration(
        record: manifest.training, objective: manifest.objective, seed: manifest.seed)
    else {
      throw .corrupt(
        path: session.path(of: "session.json"), reason: "the LISTA objective or training settings are invalid")
    }
    let current = try parameters(configuration: configuration, tensors: session.weights, path: path)
    var adam = MetaAdam(count: configuration.parameterCount, learningRate: training.learningRate)
    adam.restore(from: session.weights)
    var best: (parameters: LISTAParameters, validationLoss: Double)?
    if let loss = session.weights["best.validation-loss"]?.values.first {
      let parameters = try parameters(
        configuration: configuration, tensors: session.weights, path: path, prefix: bestPrefix)
      best = (parameters, Double(loss))
    }
    do {
      return try LISTATrainer(
        problemClass: problemClass, configuration: configuration, training: training, parameters: current,
        adam: adam, iteration: manifest.metaIteration, best: best)
    } catch {
      throw .mismatch(path: session.path(of: "session.json"), reason: error.description)
    }
  }

  /// `parameters` as a racer: a fresh ``LISTAOptimizer`` per instance, with
  /// that instance's L. Racing needs problems that know L (the sparse
  /// coding classes); use ``racer(for:parameters:name:)`` to check a class
  /// first.
  public static func racer(parameters: LISTAParameters, name: String = LearnedArchitecture.lista.rawValue) -> Racer {
    Racer(name: name, stepLabel: "learned") { problem in
      // Problems without L are refused by `racer(for:parameters:name:)`;
      // L = 1 only keeps this closure total.
      LISTAOptimizer(
        parameters: parameters, lipschitz: problem.smoothLipschitz ?? 1, initialParameters: problem.initialParameters)
    }
  }

  /// `parameters` as a racer on `problemClass`, which must be a sparse
  /// coding class.
  public static func racer(
    for problemClass: any ProblemClass, parameters: LISTAParameters, name: String = LearnedArchitecture.lista.rawValue
  ) throws(LISTAError) -> Racer {
    guard problemClass is SparseCodingClass else { throw .unsupportedProblem(problemClass.name) }
    return racer(parameters: parameters, name: name)
  }

  /// The LISTA saved as session `name` in `store`, as a racer.
  public static func racer(
    store: SessionStore, name: String, racerName: String = LearnedArchitecture.lista.rawValue
  ) throws(SessionError) -> Racer {
    let session = try store.load(name)
    guard isLISTA(session.manifest) else {
      throw .mismatch(
        path: store.folder(name).appendingPathComponent("session.json").path,
        reason: "session '\(name)' holds a \(session.manifest.optimizer["architecture"] ?? "unknown") optimizer, not LISTA")
    }
    return racer(parameters: try parameters(of: session), name: racerName)
  }

  /// Trains a LISTA from the ISTA initialisation for `iterations`
  /// iterations in the ``MetaTrainingLoop`` every learned optimizer uses:
  /// validating first (the ISTA start is the best so far), then every
  /// `validateEvery` iterations and after the last; `progress` receives
  /// each iteration's state, with the training history so far.
  public static func train(
    problemClass: any ProblemClass, configuration: LISTAConfiguration, training: LISTATrainingConfiguration,
    iterations: Int, validateEvery: Int = 50,
    progress: (MetaTrainingLoop.Progress) -> Void = { _ in }
  ) throws(LISTAError) -> LISTATrainer {
    var trainer = try LISTATrainer(problemClass: problemClass, configuration: configuration, training: training)
    trainer.validate()
    var loop = MetaTrainingLoop(iterations: iterations, validateEvery: validateEvery)
    loop.run(
      step: { MetaTrainingLoop.Step(trainer.step()) }, validate: { trainer.validate() }, progress: progress)
    return trainer
  }
}
