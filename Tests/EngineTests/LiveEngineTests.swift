@testable import Engine
@testable import Evaluation
import Foundation
@testable import MetaLearning
@testable import Sessions
import TestSupport
import Testing

@Suite(.serialized) struct LiveEngineTests {
  /// Polls the engine until `condition` holds for its snapshot (or fails
  /// after `timeout` seconds).
  static func waitFor(
    _ engine: LiveEngine, timeout: Double = 60, _ condition: (Snapshot) -> Bool
  ) -> Snapshot? {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
      let snapshot = engine.latestSnapshot()
      if condition(snapshot) { return snapshot }
      Thread.sleep(forTimeInterval: 0.05)
    }
    return nil
  }

  static func configuration(_ directory: URL, learning: Bool = true) -> EngineConfiguration {
    EngineConfiguration(
      problem: "quadratic", learning: learning, steps: 30, instances: 4, tuningInstances: 2, stepsPerSecond: 0,
      raceInterval: 0.2, validateEvery: 2, autosaveInterval: 3600, sessionsDirectory: directory,
      tuningCache: directory.appendingPathComponent("tuned-learning-rates.json"))
  }

  @Test func trainsRacesSavesAndQuits() throws {
    let directory = try Scratch.directory("engine")
    let engine = LiveEngine(configuration: Self.configuration(directory))
    let training = try #require(Self.waitFor(engine) { $0.training.iteration >= 5 && $0.race?.traces.contains { $0.name == "lstm" } == true })
    #expect(training.problemName == "quadratic")
    #expect(training.sessionName == "quadratic")
    let names = training.race?.traces.map(\.name) ?? []
    #expect(names.contains("adam") && names.contains("sgd") && names.last == "lstm")
    #expect(training.summaries.count == names.count)
    if case .lstm(let hidden, let coordinates, let hiddenSize) = training.memory {
      #expect(hidden.count == 2 && coordinates == 10 && hiddenSize == 20)
      #expect(hidden[0].count == 200)
    } else {
      Issue.record("no LSTM memory view")
    }

    engine.send(.pause)
    let paused = try #require(Self.waitFor(engine) { $0.phase == .paused })
    Thread.sleep(forTimeInterval: 0.3)
    #expect(engine.latestSnapshot().training.iteration == paused.training.iteration)
    engine.send(.resume)
    engine.send(.setDisplay(key: "theme", value: "light"))
    engine.send(.save)
    #expect(Self.waitFor(engine) { $0.messages.contains { $0.hasPrefix("saved session quadratic") } } != nil)
    engine.send(.quit)
    #expect(engine.waitUntilStopped(timeout: 30))
    let session = try SessionStore(directory: directory).load("quadratic")
    #expect(session.manifest.metaIteration >= 5)
    #expect(session.manifest.theme == "light")
    #expect(!session.manifest.tunedLearningRates.isEmpty)
  }

  @Test func resumesTheSavedSessionOfAClass() throws {
    let directory = try Scratch.directory("engine")
    let first = LiveEngine(configuration: Self.configuration(directory))
    _ = Self.waitFor(first) { $0.training.iteration >= 3 }
    first.send(.quit)
    #expect(first.waitUntilStopped(timeout: 30))
    let saved = try SessionStore(directory: directory).manifest("quadratic").metaIteration
    let second = LiveEngine(configuration: Self.configuration(directory))
    let resumed = try #require(Self.waitFor(second) { $0.training.iteration > saved })
    #expect(resumed.training.iterations.first ?? 0 <= saved)
    #expect(resumed.messages.contains { $0.contains("resumed session quadratic at meta-iteration \(saved)") })
    second.send(.quit)
    #expect(second.waitUntilStopped(timeout: 30))
  }

  @Test func demoModeRacesBaselinesOnlyAndSwitchesProblems() throws {
    let directory = try Scratch.directory("engine")
    let engine = LiveEngine(configuration: Self.configuration(directory, learning: false))
    let first = try #require(Self.waitFor(engine) { $0.race?.traces.first?.meanLoss.count == 31 })
    #expect(first.training.architecture == nil)
    #expect(first.race?.traces.contains { $0.name == "lstm" } == false)
    #expect(first.problemChoices.map(\.name).contains("lasso"))
    engine.send(.switchProblem("lasso"))
    let lasso = try #require(Self.waitFor(engine) { $0.problemName == "lasso" && $0.race?.traces.first?.meanLoss.count == 31 })
    #expect(lasso.race?.traces.map(\.name).contains("fista") == true)
    engine.send(.save)
    #expect(Self.waitFor(engine) { $0.messages.contains { $0.hasPrefix("nothing to save") } } != nil)
    engine.send(.quit)
    #expect(engine.waitUntilStopped(timeout: 30))
    #expect(SessionStore(directory: directory).names().isEmpty)
  }
}
