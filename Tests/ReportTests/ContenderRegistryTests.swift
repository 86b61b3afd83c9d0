import Evaluation
import Foundation
import MetaLearning
import Optimizers
@testable import Report
import Sessions
import TestSupport
import Testing

/// A new kind of learned optimizer plugs into the report with one line: a
/// loader for its architecture. Without one (or without a trainer for a
/// missing session) the table says so instead of failing.
@Suite struct ContenderRegistryTests {
  /// A one-experiment study racing session `toy` (architecture `toy`) and
  /// session `absent` (no session, recipe architecture `toy`) against SGD.
  static let study = Study(
    name: "test", seed: 3,
    sections: [
      StudySection(
        id: "toy", title: "Toy", summary: "A plug-in architecture.",
        experiments: [
          Experiment(
            id: "toy-race", title: "toy", problem: ProblemSpec("quadratic"), steps: 8, instances: 2,
            contenders: [.learned(session: "toy"), .learned(session: "absent"), .baseline(.sgd)],
            metrics: [.meanLoss])
        ])
    ],
    recipes: [TrainingRecipe(session: "absent", problem: ProblemSpec("quadratic"), architecture: "toy", iterations: 1)],
    tuningInstances: 1, tuningGrid: [0.01])

  static func run(registry: ContenderRegistry, name: String) throws -> ReportTable {
    let directory = Scratch.absentPath("registry-\(name)")
    defer { try? FileManager.default.removeItem(at: directory) }
    let store = SessionStore(directory: directory.appendingPathComponent("sessions"))
    let manifest = SessionManifest(
      name: "toy", problem: ProblemRecord(name: "quadratic", options: [:], configurationKey: "quadratic"),
      optimizer: ["architecture": "toy", "rate": "0.001"], objective: "loss-sum", training: [:], seed: 0)
    try store.save(
      Session(
        manifest: manifest, weights: NamedTensors([.init(name: "rate", shape: [1], values: [0.001])]),
        trainingHistory: CSVTable(header: []), raceHistory: CSVTable(header: [])))
    let settings = ReportSettings(
      outputDirectory: directory.appendingPathComponent("out"), sessions: store,
      tuningCache: directory.appendingPathComponent("rates.json"), commandLine: "test", registry: registry)
    let outcome = try StudyRunner(study: study, settings: settings).run(meter: ProgressMeter(write: nil))
    return try #require(outcome.tables.first)
  }

  @Test func aRegisteredLoaderRacesItsSessions() throws {
    var registry = ContenderRegistry.standard
    registry.loaders["toy"] = { session, name in
      let rate = session.weights["rate"]?.values.first ?? 0
      return Racer(OptimizerConfiguration(kind: .sgd, learningRate: rate), name: name)
    }
    let table = try Self.run(registry: registry, name: "loader")
    let toy = try #require(table.rows.first { $0[0] == "toy" })
    #expect(toy.last == "ok" && Double(toy[2])?.isFinite == true, "\(toy)")
    #expect(toy[1].hasPrefix("learned (toy"))
    let absent = try #require(table.rows.first { $0[0] == "absent" })
    #expect(absent.last == "not trained (no trainer for architecture toy)")
  }

  @Test func anUnknownArchitectureIsReportedNotFatal() throws {
    let table = try Self.run(registry: .standard, name: "unknown")
    let toy = try #require(table.rows.first { $0[0] == "toy" })
    #expect(toy.last?.hasPrefix("error: ") == true, "the LSTM/DNC loader rejects it: \(toy)")
    #expect(table.rows.first { $0[0] == "sgd" }?.last == "ok")
  }
}
