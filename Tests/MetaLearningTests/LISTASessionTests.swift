@testable import Evaluation
import Foundation
@testable import MetaLearning
import Optimizees
import Optimizers
@testable import Sessions
import TestSupport
import Testing

/// LISTA sessions: training lowers the objective, a saved session comes back
/// identical (and resumes exactly), and damaged sessions are refused with a
/// message naming the file.
@Suite struct LISTASessionTests {
  static let lasso = SparseCodingClass(penalty: .l1)

  static func smallTraining(objective: LISTAObjective = .logRelative) -> LISTATrainingConfiguration {
    LISTATrainingConfiguration(batch: 8, unroll: 6, objective: objective, learningRate: 0.05, pool: 32, validation: 8, seed: 1)
  }

  static func trainedSession(name: String = "lista-demo", momentum: Bool = true) throws -> (LISTATrainer, Session) {
    var trainer = try LISTATrainer(
      problemClass: lasso, configuration: LISTAConfiguration(layers: 4, momentum: momentum),
      training: smallTraining())
    trainer.validate()
    for _ in 0..<5 { trainer.step() }
    trainer.validate()
    let manifest = LISTASession.manifest(
      name: name, problem: ProblemRecord(name: "lasso", options: [:], configurationKey: lasso.configurationKey),
      configuration: trainer.configuration, training: trainer.training)
    let history = CSVTable(header: ["iteration", "meta_loss", "validation_loss", "seconds"], rows: [["5", "0.5", "0.4", "1.0"]])
    return (trainer, LISTASession.session(trainer: trainer, manifest: manifest, trainingHistory: history))
  }

  @Test(arguments: LISTAObjective.allCases) func trainingLowersTheValidationLoss(_ objective: LISTAObjective) throws {
    let trainer = try LISTASession.train(
      problemClass: Self.lasso, configuration: LISTAConfiguration(layers: 4), training: Self.smallTraining(objective: objective),
      iterations: 40, validateEvery: 10)
    let initial = trainer.validationLoss(of: LISTAParameters(configuration: LISTAConfiguration(layers: 4)))
    let best = try #require(trainer.best)
    #expect(best.validationLoss < initial - 0.02 * abs(initial), "\(best.validationLoss) vs ISTA \(initial)")
  }

  @Test(arguments: [false, true]) func roundTripAndResume(_ momentum: Bool) throws {
    let store = SessionStore(directory: try Scratch.directory("tests"))
    let (trainer, session) = try Self.trainedSession(momentum: momentum)
    try store.save(session)
    let loaded = try store.load("lista-demo")
    #expect(loaded.weights == session.weights)
    #expect(loaded.manifest.optimizer["architecture"] == "lista")
    #expect(loaded.manifest.metaIteration == 5)
    #expect(try LISTASession.parameters(of: loaded) == trainer.racingParameters)

    var resumed = try LISTASession.resume(loaded, problemClass: Self.lasso)
    #expect(resumed.parameters == trainer.parameters)
    #expect(resumed.adam == trainer.adam)
    #expect(resumed.iteration == trainer.iteration)
    #expect(resumed.best?.parameters == trainer.best?.parameters)
    // Resuming continues exactly where training stopped.
    var continued = trainer
    #expect(continued.step().loss == resumed.step().loss)
    #expect(continued.parameters == resumed.parameters)

    let racer = try LISTASession.racer(store: store, name: "lista-demo")
    let optimizer = racer.makeOptimizer(Self.lasso.sample(seed: 3))
    #expect(optimizer.name == "lista")
  }

  @Test func damagedSessionsAreRefused() throws {
    let (_, session) = try Self.trainedSession(momentum: true)
    func expectMismatch(_ edit: (inout Session) -> Void, _ check: (SessionError) -> Bool) {
      var damaged = session
      edit(&damaged)
      #expect {
        _ = try LISTASession.parameters(of: damaged)
      } throws: { error in
        guard let error = error as? SessionError else { return false }
        return check(error) && error.description.contains("lista-demo")
      }
    }
    let isMismatch: (SessionError) -> Bool = { if case .mismatch = $0 { true } else { false } }
    let isCorrupt: (SessionError) -> Bool = { if case .corrupt = $0 { true } else { false } }
    expectMismatch({ $0.weights.entries.removeAll { $0.name == "best.lista.momentum" } }, isMismatch)
    expectMismatch(
      { s in
        s.weights.entries = s.weights.entries.map {
          $0.name == "best.lista.threshold" ? .init(name: $0.name, shape: [4], values: [0, 0, 0, 0]) : $0
        }
      }, isMismatch)
    expectMismatch(
      { s in
        s.weights.entries = s.weights.entries.map {
          $0.name == "best.lista.step" ? .init(name: $0.name, shape: [4], values: [0, .nan, 0, 0]) : $0
        }
      }, isCorrupt)
    expectMismatch({ $0.manifest.optimizer["layers"] = "zero" }, isCorrupt)
    expectMismatch({ $0.manifest.optimizer["layers"] = "3" }, isMismatch)

    // Bad training settings stop a resume.
    var badTraining = session
    badTraining.manifest.training["batch"] = "-1"
    #expect(throws: SessionError.self) { try LISTASession.resume(badTraining, problemClass: Self.lasso) }
  }

  @Test func lstmSessionsAndOtherProblemsAreRefused() throws {
    let store = SessionStore(directory: try Scratch.directory("tests"))
    try store.save(SessionStoreTests.sampleSession(name: "an-lstm"))
    #expect {
      _ = try LISTASession.racer(store: store, name: "an-lstm")
    } throws: { error in
      (error as? SessionError)?.description.contains("not LISTA") ?? false
    }
    #expect(throws: LISTAError.unsupportedProblem("quadratic")) {
      _ = try LISTATrainer(
        problemClass: QuadraticClass(), configuration: LISTAConfiguration(layers: 2),
        training: Self.smallTraining())
    }
    #expect(throws: LISTAError.self) {
      _ = try LISTASession.racer(for: QuadraticClass(), parameters: LISTAParameters(configuration: LISTAConfiguration(layers: 2)))
    }
  }

  /// A truncated weights file is caught by the store before LISTA sees it.
  @Test func truncatedWeightsFileIsCorrupt() throws {
    let store = SessionStore(directory: try Scratch.directory("tests"))
    let (_, session) = try Self.trainedSession()
    let manifest = try store.save(session)
    let url = store.folder("lista-demo").appendingPathComponent(manifest.weightsFile)
    let data = try Data(contentsOf: url)
    try data.prefix(data.count - 9).write(to: url)
    #expect {
      _ = try LISTASession.racer(store: store, name: "lista-demo")
    } throws: { error in
      guard case .corrupt(let path, _)? = error as? SessionError else { return false }
      return path.hasSuffix(manifest.weightsFile)
    }
  }
}
