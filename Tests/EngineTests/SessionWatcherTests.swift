@testable import Engine
import Evaluation
import Foundation
import MetaLearning
import Optimizees
import Optimizers
import Sessions
import TestSupport
import Testing

/// `mnemo watch`: snapshots rebuilt from a session folder that another
/// process rewrites.
@Suite struct SessionWatcherTests {
  /// A quadratic session at `iteration` with `rows` rows of history and a
  /// two-racer race whose losses halve (sgd) or fall by a quarter (lstm)
  /// per step from 8, over an optimum of 0.5.
  static func session(iteration: Int, rows: Int) throws -> Session {
    let optimizer = LSTMOptimizerConfiguration.defaults(forProblem: "quadratic")
    let problemClass = try ProblemCatalog.make("quadratic")
    let training = MetaTrainingConfiguration(horizon: 12, batch: 4)
    var manifest = SessionManifest(
      name: "watched",
      problem: ProblemRecord(
        name: "quadratic", options: [:], configurationKey: problemClass.configurationKey),
      optimizer: optimizer.record, objective: "loss-sum", training: training.record, seed: 7)
    manifest.metaIteration = iteration
    var history = CSVTable(header: ["iteration", "meta_loss", "validation_loss", "seconds"])
    for row in 1...rows {
      history.rows.append([
        String(row * 10), String(100.0 / Double(row)), String(5.0 / Double(row)), String(row * 2),
      ])
    }
    var traces: [RacerTrace] = []
    for (name, rate, factor) in [("sgd", Float(0.01) as Float?, 0.5), ("lstm", nil, 0.75)] {
      var trace = RacerTrace(name: name, learningRate: rate)
      for t in 0...12 {
        let error = 7.5 * pow(factor, Double(t))
        trace.meanLoss.append(0.5 + error)
        trace.geometricMeanLoss.append(0.5 + error)
        trace.meanError.append(error)
        trace.gradientNorm.append(error)
        if t < 12 { trace.updateNorm.append(error / 10) }
      }
      traces.append(trace)
    }
    let race = RaceResult(
      problemKey: problemClass.configurationKey,
      configuration: RaceConfiguration(steps: 12, instances: 3, seed: 7),
      meanOptimum: 0.5, traces: traces)
    let weights = LSTMOptimizerWeights(configuration: optimizer, seed: 7)
    return Session(
      manifest: manifest, weights: weights.namedTensors, trainingHistory: history, raceHistory: race.csvTable)
  }

  @Test func aSessionFolderBecomesASnapshot() throws {
    let directory = try Scratch.directory("watch")
    defer { try? FileManager.default.removeItem(at: directory) }
    let store = SessionStore(directory: directory)
    try store.save(Self.session(iteration: 30, rows: 3))
    var reader = SessionSnapshotReader(store: store, session: "watched", mnistDirectory: nil)
    let changed = reader.poll()
    #expect(changed)
    let snapshot = reader.snapshot
    #expect(snapshot.problemName == "quadratic")
    #expect(snapshot.phase == .training)
    #expect(snapshot.training.iteration == 30)
    #expect(snapshot.training.architecture == .lstm && snapshot.training.objective == "loss-sum")
    #expect(snapshot.training.iterations == [10, 20, 30])
    #expect(snapshot.training.metaLosses == [100, 50, 100.0 / 3])
    #expect(snapshot.training.validationLosses == [5, 2.5, 5.0 / 3])
    #expect(snapshot.training.iterationsPerSecond == 5)  // 10 iterations in 2 s
    let race = try #require(snapshot.race)
    #expect(race.traces.map(\.name) == ["sgd", "lstm"])
    #expect(race.traces[0].learningRate == 0.01)
    #expect(race.traces[1].stepLabel == "learned")
    #expect(race.traces[0].meanLoss.count == 13 && race.traces[0].updateNorm.count == 12)
    #expect(abs(race.meanOptimum - 0.5) < 1e-12)
    #expect(abs(race.traces[0].meanLoss[12] - (0.5 + 7.5 * pow(0.5, 12))) < 1e-12)
    // The summaries rank sgd (halving) ahead of the slower lstm, with its rate.
    #expect(snapshot.summaries.map(\.rank) == [1, 2])
    #expect(abs((snapshot.summaries[0].estimates.linearRate ?? 0) - 0.5) < 1e-6)
    guard case .lstm(let hidden, let coordinates, let hiddenSize) = snapshot.memory else {
      Issue.record("no LSTM memory view: \(String(describing: snapshot.memory))")
      return
    }
    #expect(hidden.count == 2 && coordinates == 10 && hiddenSize == 20)
    #expect(hidden[0].count == coordinates * hiddenSize)
    // Nothing changed: nothing to publish.
    let unchanged = reader.poll()
    #expect(!unchanged)
  }

  @Test func aRewrittenSessionUpdatesTheSnapshot() throws {
    let directory = try Scratch.directory("watch")
    defer { try? FileManager.default.removeItem(at: directory) }
    let store = SessionStore(directory: directory)
    var reader = SessionSnapshotReader(store: store, session: "watched", mnistDirectory: nil)
    let changed1 = reader.poll()
    #expect(changed1)
    #expect(reader.snapshot.phase == .starting)
    #expect(reader.snapshot.messages.last?.contains("waiting for session watched") == true)
    try store.save(Self.session(iteration: 20, rows: 2))
    let changed2 = reader.poll()
    #expect(changed2)
    #expect(reader.snapshot.training.iterations == [10, 20])
    let sequence = reader.snapshot.sequence
    Thread.sleep(forTimeInterval: 0.02)  // a later modification time than the first save's
    try store.save(Self.session(iteration: 50, rows: 5))
    let changed3 = reader.poll()
    #expect(changed3)
    #expect(reader.snapshot.sequence > sequence)
    #expect(reader.snapshot.training.iteration == 50)
    #expect(reader.snapshot.training.iterations == [10, 20, 30, 40, 50])
    #expect(reader.snapshot.messages.last?.contains("meta-iteration 50") == true)
  }

  @Test func theWatcherFollowsTheFolderAndRefusesToWrite() throws {
    let directory = try Scratch.directory("watch")
    defer { try? FileManager.default.removeItem(at: directory) }
    let store = SessionStore(directory: directory)
    let watcher = SessionWatcher(store: store, session: "watched", interval: 0.02)
    try store.save(Self.session(iteration: 40, rows: 4))
    let deadline = Date().addingTimeInterval(30)
    while watcher.latestSnapshot().training.iteration != 40 && Date() < deadline {
      Thread.sleep(forTimeInterval: 0.02)
    }
    #expect(watcher.latestSnapshot().training.iteration == 40)
    watcher.send(.pause)
    while watcher.latestSnapshot().messages.last?.contains("read-only") != true && Date() < deadline {
      Thread.sleep(forTimeInterval: 0.02)
    }
    #expect(watcher.latestSnapshot().messages.last?.contains("read-only") == true)
    #expect(try store.manifest("watched").metaIteration == 40)
    watcher.send(.quit)
    #expect(watcher.waitUntilStopped(timeout: 30))
  }
}
