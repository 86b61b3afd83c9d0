import Evaluation
import MetaLearning
import Optimizees
import Optimizers
import Sessions

/// Trains a LISTA recipe into a session the way `mnemo train --architecture
/// lista` does: 16 layers with learned momentum (``Optimizers/LISTAConfiguration``'s
/// defaults), T = `recipe.unroll` unrolled steps, batches of `recipe.batch`
/// (32), the recipe's objective (`log-relative` by default) and seed.
///
/// The pool of training instances is at most 1024 and never more than the
/// run visits (batch × iterations): sampling a sparse instance includes its
/// reference solve, which would dominate a short run.
public struct LISTASessionTraining: Sendable {
  public var recipe: TrainingRecipe

  public init(recipe: TrainingRecipe) {
    self.recipe = recipe
  }

  /// Trains, saves and returns the session; `progress` gets (done, total)
  /// iterations.
  public func run(
    problemClass: any ProblemClass, store: SessionStore, progress: (Int, Int) -> Void = { _, _ in }
  ) throws -> Session {
    guard let objective = LISTAObjective(rawValue: recipe.objective) else {
      throw LISTARecipeError.unknownObjective(recipe.objective)
    }
    let batch = recipe.batch ?? 32
    let training = LISTATrainingConfiguration(
      batch: batch, unroll: recipe.unroll, objective: objective,
      pool: max(1, min(1024, batch * max(recipe.iterations, 1))), validation: recipe.validationInstances,
      seed: recipe.seed)
    let configuration = LISTAConfiguration()
    var history = CSVTable(header: MetaTrainingLoop.historyHeader)
    let trainer = try LISTASession.train(
      problemClass: problemClass, configuration: configuration, training: training, iterations: recipe.iterations,
      validateEvery: recipe.validateEvery
    ) { state in
      history = state.history
      progress(state.done, state.iterations)
    }
    let manifest = LISTASession.manifest(
      name: recipe.session,
      problem: ProblemRecord(
        name: problemClass.name, options: recipe.problem.options, configurationKey: problemClass.configurationKey),
      configuration: configuration, training: training)
    let session = LISTASession.session(trainer: trainer, manifest: manifest, trainingHistory: history)
    let saved = try store.save(session)
    return Session(
      manifest: saved, weights: session.weights, trainingHistory: history, raceHistory: session.raceHistory)
  }
}

/// Why a LISTA recipe could not be trained.
public enum LISTARecipeError: Error, CustomStringConvertible, Equatable {
  case unknownObjective(String)

  public var description: String {
    switch self {
    case .unknownObjective(let name):
      "unknown LISTA objective '\(name)'; valid: \(LISTAObjective.allCases.map(\.rawValue).joined(separator: ", "))."
    }
  }
}
