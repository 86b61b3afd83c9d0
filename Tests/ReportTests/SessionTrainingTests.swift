import Evaluation
import Foundation
import MetaLearning
import Optimizees
import Optimizers
@testable import Report
import Sessions
import TestSupport
import Testing

/// Sessions the report trains from a recipe keep the training history
/// `mnemo train` writes (``MetaLearning/MetaTrainingLoop``), whatever the
/// architecture, so `mnemo sessions` and the dashboard read them alike.
@Suite struct SessionTrainingTests {
  static func store(_ name: String) -> (SessionStore, URL) {
    let directory = Scratch.absentPath("session-training-\(name)")
    return (SessionStore(directory: directory), directory)
  }

  @Test(arguments: [
    ("lstm", "quadratic", MetaObjective.lossSum.rawValue),
    ("lista", "lasso", LISTAObjective.logRelative.rawValue),
  ])
  func trainedSessionKeepsTheStandardHistory(architecture: String, problem: String, objective: String) throws {
    let (store, directory) = Self.store(architecture)
    defer { try? FileManager.default.removeItem(at: directory) }
    let recipe = TrainingRecipe(
      session: "recipe-\(architecture)", problem: ProblemSpec(problem), architecture: architecture,
      objective: objective, iterations: 5, seed: 1, horizon: 10, unroll: 5, batch: 2, validationInstances: 2,
      validateEvery: 2)
    let problemClass = try ProblemCatalog.make(problem)
    var calls: [Int] = []
    let session =
      architecture == "lista"
      ? try LISTASessionTraining(recipe: recipe).run(problemClass: problemClass, store: store) { done, _ in
        calls.append(done)
      }
      : try SessionTraining(recipe: recipe).run(problemClass: problemClass, store: store) { done, _ in
        calls.append(done)
      }
    #expect(calls == [1, 2, 3, 4, 5])
    let saved = try store.load(recipe.session)
    #expect(saved.manifest.metaIteration == 5)
    #expect(saved.trainingHistory.header == MetaTrainingLoop.historyHeader)
    #expect(saved.trainingHistory.rows.map { $0[0] } == ["2", "4", "5"])
    #expect(saved.trainingHistory == session.trainingHistory)
    #expect(saved.trainingHistory.column("meta_loss")?.allSatisfy(\.isFinite) == true)
  }
}
