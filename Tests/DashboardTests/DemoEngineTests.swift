import Engine
import Foundation
import MetaLearning
import Optimizees
import Optimizers
import Testing

@testable import Dashboard

/// The demo engine runs real, short races and answers commands.
@Suite(.serialized) struct DemoEngineTests {
  static let configuration = DemoEngine.Configuration(
    problem: "quadratic", steps: 12, instances: 3, tuningInstances: 2, seed: 5, stepsPerSecond: 0)

  /// Waits (up to `limit` seconds) until `condition` holds for the latest
  /// snapshot; returns that snapshot.
  static func waitFor(
    _ engine: DemoEngine, limit: Double = 60, _ condition: (Snapshot) -> Bool
  ) async throws -> Snapshot {
    let deadline = Date().addingTimeInterval(limit)
    while Date() < deadline {
      let snapshot = engine.latestSnapshot()
      if condition(snapshot) { return snapshot }
      try await Task.sleep(for: .milliseconds(20))
    }
    let last = engine.latestSnapshot()
    Issue.record("timed out; last snapshot: \(last.problemName) \(last.phase.label) \(last.messages)")
    return last
  }

  static func finished(_ snapshot: Snapshot) -> Bool {
    guard let progress = snapshot.raceProgress else { return false }
    return progress.done == progress.steps && !snapshot.summaries.isEmpty
  }

  @Test func racesBaselinesAndAnswersCommands() async throws {
    let engine = DemoEngine(configuration: Self.configuration)
    defer { engine.send(.quit) }
    let first = try await Self.waitFor(engine, Self.finished)
    #expect(first.problemName == "quadratic")
    #expect(first.training.architecture == "none")
    #expect(first.memory == nil)
    #expect(first.problemChoices.map(\.name) == ProblemCatalog.names)
    // The six gradient baselines, each with 13 recorded points.
    let race = try #require(first.race)
    #expect(race.traces.map(\.name) == ["sgd", "momentum", "nag", "rmsprop", "adam", "adagrad"])
    #expect(race.traces.allSatisfy { $0.meanLoss.count == 13 })
    #expect(race.configuration == RaceConfiguration(steps: 12, instances: 3, seed: 5))
    // The curves are the race's own: rerunning it gives the same numbers.
    #expect(first.summaries.map(\.rank).sorted() == Array(1...6))

    engine.send(.restartRace)
    let second = try await Self.waitFor(engine) { Self.finished($0) && $0.race?.configuration.seed == 6 }
    #expect(second.race?.traces.first?.meanLoss != race.traces.first?.meanLoss)

    engine.send(.pause)
    _ = try await Self.waitFor(engine) { $0.phase == .paused }
    engine.send(.resume)
    engine.send(.save)
    let saved = try await Self.waitFor(engine) { $0.messages.last?.hasPrefix("nothing saved") == true }
    #expect(saved.phase == .training)

    engine.send(.switchProblem("lasso"))
    let lasso = try await Self.waitFor(engine) { $0.problemName == "lasso" && Self.finished($0) }
    // Composite problem: ISTA and FISTA join, with their 1/L step.
    #expect(lasso.race?.traces.map(\.name).suffix(2) == ["ista", "fista"])
    #expect(lasso.race?.traces.last?.learningRate == nil)

    engine.send(.switchProblem("no-such-class"))
    _ = try await Self.waitFor(engine) { $0.messages.last == "no problem class no-such-class" }

    engine.send(.quit)
    let deadline = Date().addingTimeInterval(30)
    while !engine.hasStopped && Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
    #expect(engine.hasStopped)
  }

  /// Same seed, same race: the demo's numbers are reproducible, not
  /// invented.
  @Test func matchesARaceRunDirectly() async throws {
    let engine = DemoEngine(configuration: Self.configuration)
    defer { engine.send(.quit) }
    let snapshot = try await Self.waitFor(engine, Self.finished)
    let race = try #require(snapshot.race)
    var racers: [Racer] = []
    for trace in race.traces {
      let kind = try #require(OptimizerKind(rawValue: trace.name))
      racers.append(Racer(OptimizerConfiguration(kind: kind, learningRate: trace.learningRate)))
    }
    let problemClass = try ProblemCatalog.make("quadratic")
    var run = RaceRun(problemClass: problemClass, racers: racers, configuration: race.configuration)
    let direct = run.run()
    #expect(direct.traces.map(\.meanLoss) == race.traces.map(\.meanLoss))
  }
}
