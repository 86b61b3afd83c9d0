import Evaluation
import Foundation
import MetaLearning
import Optimizees
import Optimizers
import Sessions

/// Trains a ``TrainingRecipe`` into a new session, the way `mnemo train`
/// does for a fresh LSTM or DNC: the class's default optimizer and
/// meta-training settings with the recipe's objective, horizon, unroll,
/// batch and seed; validation every few iterations keeps the best weights
/// (what races use); the session is saved at the end with its training
/// history.
public struct SessionTraining: Sendable {
  public var recipe: TrainingRecipe

  public init(recipe: TrainingRecipe) {
    self.recipe = recipe
  }

  /// The trainer of a fresh session for the recipe.
  public func makeTrainer(problemClass: any ProblemClass) throws -> MetaTrainer {
    var training = MetaTrainingConfiguration.defaults(forProblem: problemClass.name)
    training.horizon = recipe.horizon
    training.unroll = recipe.unroll
    if let batch = recipe.batch { training.batch = batch }
    if let rate = recipe.metaLearningRate { training.learningRate = rate }
    guard let objective = MetaObjective(rawValue: recipe.objective) else {
      throw SessionTrainingError.unknownObjective(recipe.objective)
    }
    training.objective = objective
    training.seed = recipe.seed
    if let imitation = recipe.imitation {
      guard imitation.isValid else { throw SessionTrainingError.invalidImitation(imitation) }
      training.imitation = imitation
    }
    var preprocessing: GradientPreprocessing?
    if let text = recipe.preprocessing {
      guard let parsed = GradientPreprocessing(parsing: text) else {
        throw SessionTrainingError.invalidPreprocessing(text)
      }
      preprocessing = parsed
    }
    let weights: LearnedOptimizerWeights
    switch LearnedArchitecture(rawValue: recipe.architecture) {
    case .lstm:
      var configuration = LSTMOptimizerConfiguration.defaults(forProblem: problemClass.name)
      if let preprocessing { configuration.preprocessing = preprocessing }
      if let scale = recipe.outputScale { configuration.outputScale = scale }
      if let update = recipe.update { configuration.update = update }
      weights = .lstm(LSTMOptimizerWeights(configuration: configuration, seed: recipe.seed))
    case .dnc:
      var configuration = DNCOptimizerConfiguration.defaults(forProblem: problemClass.name)
      if let preprocessing { configuration.preprocessing = preprocessing }
      if let scale = recipe.outputScale { configuration.outputScale = scale }
      if let update = recipe.update { configuration.update = update }
      weights = .dnc(DNCOptimizerWeights(configuration: configuration, seed: recipe.seed))
    case .lista, nil:
      throw SessionTrainingError.unsupportedArchitecture(recipe.architecture)
    }
    return MetaTrainer(problemClass: problemClass, configuration: training, weights: weights)
  }

  /// Trains, saves and returns the session; `progress` gets (done, total)
  /// meta-iterations.
  public func run(
    problemClass: any ProblemClass, store: SessionStore, progress: (Int, Int) -> Void = { _, _ in }
  ) throws -> Session {
    let trainer = try makeTrainer(problemClass: problemClass)
    var loop = MetaTrainingLoop(iterations: recipe.iterations, validateEvery: recipe.validateEvery)
    loop.run(
      step: { MetaTrainingLoop.Step(trainer.step()) },
      validate: { trainer.validate(instances: recipe.validationInstances) },
      progress: { state in progress(state.done, state.iterations) })
    let history = loop.history
    let manifest = SessionManifest(
      name: recipe.session,
      problem: ProblemRecord(
        name: problemClass.name, options: recipe.problem.options, configurationKey: problemClass.configurationKey),
      optimizer: trainer.weights.record, objective: recipe.objective, training: trainer.configuration.record,
      seed: recipe.seed, metaIteration: trainer.iteration,
      display: ["trained-by": "mnemo report", "recipe": recipe.commandLine])
    let session = Session(
      manifest: manifest, weights: trainer.sessionTensors, trainingHistory: history,
      raceHistory: CSVTable(header: []))
    let saved = try store.save(session)
    return Session(
      manifest: saved, weights: session.weights, trainingHistory: history, raceHistory: session.raceHistory)
  }
}

/// Why a recipe could not be trained.
public enum SessionTrainingError: Error, CustomStringConvertible, Equatable {
  case unsupportedArchitecture(String)
  case unknownObjective(String)
  case invalidPreprocessing(String)
  case invalidImitation(Imitation)

  public var description: String {
    switch self {
    case .unsupportedArchitecture(let name):
      "no trainer for architecture '\(name)': register one in ContenderRegistry.trainers, or train the session with its own command."
    case .unknownObjective(let name):
      "unknown meta-objective '\(name)'; valid: \(MetaObjective.allCases.map(\.rawValue).joined(separator: ", "))."
    case .invalidPreprocessing(let text):
      "invalid gradient preprocessing '\(text)' in a recipe; expected none, log-sign[:k], rnnprop[:b1:b2], momenta or momenta:time."
    case .invalidImitation(let imitation):
      "invalid imitation in a recipe (rate \(imitation.learningRate), weight \(imitation.weight), probability \(imitation.probability)): rate and weight must be positive, the probability in [0, 1]."
    }
  }
}
