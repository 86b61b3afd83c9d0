@testable import Engine
@testable import Evaluation
import Foundation
@testable import MetaLearning
@testable import Sessions
import TestSupport
import Testing

/// The engine's state machine, stepped by hand: no thread, no sleeps, a
/// clock the test moves. Each test builds a core on the 10-d quadratic with
/// short races (10 steps, 2 instances) in its own sessions folder.
@Suite struct EngineCoreTests {
  /// A clock the test sets.
  final class ManualClock {
    var now = Date(timeIntervalSinceReferenceDate: 0)
    func advance(_ seconds: Double) { now = now.addingTimeInterval(seconds) }
  }

  static func configuration(
    _ directory: URL, learning: Bool = true, raceInterval: Double = 5, validateEvery: Int = 3,
    autosaveInterval: Double = 60
  ) -> EngineConfiguration {
    EngineConfiguration(
      problem: "quadratic", learning: learning, steps: 10, instances: 2, tuningInstances: 2, stepsPerSecond: 0,
      raceInterval: raceInterval, validateEvery: validateEvery, autosaveInterval: autosaveInterval,
      sessionsDirectory: directory, tuningCache: directory.appendingPathComponent("tuned-learning-rates.json"))
  }

  static func core(_ configuration: EngineConfiguration, clock: ManualClock) -> EngineCore {
    var core = EngineCore(configuration: configuration, clock: { clock.now })
    core.start()
    return core
  }

  /// Ticks until the baselines' race has finished; returns how many ticks
  /// raced it.
  static func finishBaselineRace(_ core: inout EngineCore) -> Int {
    var steps = 0
    while core.isRacingBaselines {
      #expect(core.tick() == .racedBaselines)
      steps += 1
    }
    return steps
  }

  /// Ticks `count` meta-iterations (after the baselines' race).
  static func train(_ core: inout EngineCore, _ count: Int) {
    for _ in 0..<count { #expect(core.tick() == .trained) }
  }

  @Test func opensTheClassTunesAndRacesTheBaselinesStepByStep() throws {
    let directory = try Scratch.directory("core")
    defer { try? FileManager.default.removeItem(at: directory) }
    var core = Self.core(Self.configuration(directory), clock: ManualClock())
    let opened = core.snapshot
    #expect(opened.problemName == "quadratic")
    #expect(opened.sessionName == "quadratic")
    #expect(opened.phase == .training)
    #expect(opened.messages.contains { $0.hasPrefix("tuned 6 baselines") })
    #expect(opened.messages.contains("new session quadratic: meta-training from scratch"))
    // The learned optimizer is raced at once; the baselines step by step.
    #expect(opened.race?.traces.last?.name == "lstm")
    #expect(opened.race?.traces.first?.meanLoss.count == 0)
    guard case .lstm(let hidden, _, _) = opened.memory else {
      Issue.record("no LSTM memory view after opening")
      return
    }
    #expect(hidden.count == 2)
    #expect(Self.finishBaselineRace(&core) == 11)
    let raced = core.snapshot
    #expect(raced.race?.traces.map(\.name) == ["sgd", "momentum", "nag", "rmsprop", "adam", "adagrad", "lstm"])
    #expect(raced.race?.traces.allSatisfy { $0.meanLoss.count == 11 } == true)
    #expect(raced.summaries.count == 7)
    #expect(core.tick() == .trained)
    #expect(core.snapshot.training.iteration == 1)
  }

  /// Validation runs on `mnemo train`'s cadence through the same loop: the
  /// history rows, and the best weights saved with the session.
  @Test func validatesOnTheTrainingLoopsCadence() throws {
    let directory = try Scratch.directory("core")
    defer { try? FileManager.default.removeItem(at: directory) }
    var core = Self.core(Self.configuration(directory, validateEvery: 3), clock: ManualClock())
    _ = Self.finishBaselineRace(&core)
    Self.train(&core, 7)
    let training = core.snapshot.training
    #expect(training.iteration == 7)
    #expect(training.iterations == Array(1...7))
    #expect(training.validationIterations == [3, 6])
    #expect(training.validationLosses.count == 2 && training.validationLosses.allSatisfy(\.isFinite))
    core.handle(.save)
    let session = try SessionStore(directory: directory).load("quadratic")
    #expect(session.trainingHistory.header == MetaTrainingLoop.historyHeader)
    #expect(session.trainingHistory.integerColumn("iteration") == [3, 6])
    #expect(session.weights["best.validation-loss"] != nil)
    #expect(session.manifest.metaIteration == 7)
  }

  @Test func pauseStopsAllWorkUntilResumed() throws {
    let directory = try Scratch.directory("core")
    defer { try? FileManager.default.removeItem(at: directory) }
    var core = Self.core(Self.configuration(directory), clock: ManualClock())
    #expect(core.tick() == .racedBaselines)
    core.handle(.pause)
    #expect(core.snapshot.phase == .paused)
    for _ in 0..<5 { #expect(core.tick() == .idle) }
    #expect(core.snapshot.race?.traces.first?.meanLoss.count == 1)
    core.handle(.resume)
    #expect(core.snapshot.phase == .training)
    #expect(core.tick() == .racedBaselines)
    #expect(core.snapshot.race?.traces.first?.meanLoss.count == 2)
  }

  /// A restart races again on instances of the next seed, the learned
  /// optimizer included; the learned curve is redrawn on the clock's
  /// cadence only.
  @Test func reRacesOnANewSeedAndOnTheRaceInterval() throws {
    let directory = try Scratch.directory("core")
    defer { try? FileManager.default.removeItem(at: directory) }
    let clock = ManualClock()
    var core = Self.core(Self.configuration(directory, raceInterval: 5), clock: clock)
    _ = Self.finishBaselineRace(&core)
    let first = try #require(core.snapshot.race?.traces.last?.finalMeanLoss)
    Self.train(&core, 3)
    #expect(core.snapshot.race?.traces.last?.finalMeanLoss == first)
    clock.advance(6)
    Self.train(&core, 1)
    let second = try #require(core.snapshot.race?.traces.last?.finalMeanLoss)
    #expect(second != first)

    core.handle(.restartRace)
    #expect(core.snapshot.messages.last?.hasPrefix("race 2 on quadratic: 2 held-out instances, seed 1") == true)
    #expect(core.snapshot.race?.traces.first?.meanLoss.count == 0)
    #expect(core.snapshot.race?.traces.last?.name == "lstm")
    #expect(Self.finishBaselineRace(&core) == 11)
  }

  /// Switching saves the class left, opens (or starts) the other's session,
  /// and refuses names the catalog does not have.
  @Test func switchingClassSavesAndOpensTheOther() throws {
    let directory = try Scratch.directory("core")
    defer { try? FileManager.default.removeItem(at: directory) }
    var core = Self.core(Self.configuration(directory), clock: ManualClock())
    _ = Self.finishBaselineRace(&core)
    Self.train(&core, 2)
    core.handle(.switchProblem("quadratic"))
    #expect(core.snapshot.problemName == "quadratic")
    #expect(core.snapshot.training.iteration == 2)

    core.handle(.switchProblem("no-such-class"))
    #expect(core.snapshot.messages.last == "no problem class no-such-class")

    core.handle(.switchProblem("lasso"))
    let lasso = core.snapshot
    #expect(lasso.problemName == "lasso")
    #expect(lasso.sessionName == "lasso")
    #expect(lasso.training.iteration == 0)
    #expect(lasso.messages.contains { $0.hasPrefix("saved session quadratic") && $0.hasSuffix("(before switching)") })
    #expect(try SessionStore(directory: directory).manifest("quadratic").metaIteration == 2)
    _ = Self.finishBaselineRace(&core)
    #expect(core.snapshot.race?.traces.map(\.name).contains("fista") == true)

    core.handle(.switchProblem("quadratic"))
    #expect(core.snapshot.messages.contains("resumed session quadratic at meta-iteration 2"))
    #expect(core.snapshot.training.iteration == 2)
  }

  /// Saves on request, on the autosave cadence and on quit; a quit core
  /// does nothing more, and the next one resumes where it stopped.
  @Test func savesOnRequestOnTheClockAndOnQuitThenResumes() throws {
    let directory = try Scratch.directory("core")
    defer { try? FileManager.default.removeItem(at: directory) }
    let clock = ManualClock()
    var core = Self.core(Self.configuration(directory, autosaveInterval: 60), clock: clock)
    _ = Self.finishBaselineRace(&core)
    Self.train(&core, 1)
    #expect(!core.snapshot.messages.contains { $0.hasSuffix("(autosave)") })
    clock.advance(61)
    Self.train(&core, 1)
    #expect(core.snapshot.messages.last?.hasSuffix("at meta-iteration 2 (autosave)") == true)

    core.handle(.setDisplay(key: "theme", value: "light"))
    core.handle(.save)
    #expect(core.snapshot.messages.last?.hasSuffix("at meta-iteration 2 (on request)") == true)
    let store = SessionStore(directory: directory)
    #expect(try store.manifest("quadratic").theme == "light")
    #expect(try !store.manifest("quadratic").tunedLearningRates.isEmpty)

    Self.train(&core, 1)
    core.handle(.quit)
    #expect(core.hasQuit)
    #expect(core.tick() == .idle)
    #expect(try store.manifest("quadratic").metaIteration == 3)

    var resumed = Self.core(Self.configuration(directory), clock: clock)
    #expect(resumed.snapshot.messages.contains("resumed session quadratic at meta-iteration 3"))
    // The session's rates and the cache make tuning unnecessary.
    #expect(!resumed.snapshot.messages.contains { $0.hasPrefix("tuning") })
    _ = Self.finishBaselineRace(&resumed)
    Self.train(&resumed, 1)
    #expect(resumed.snapshot.training.iteration == 4)
  }

  /// The demo races the baselines and then idles; it has nothing to save.
  @Test func demoRacesBaselinesOnlyAndSavesNothing() throws {
    let directory = try Scratch.directory("core")
    defer { try? FileManager.default.removeItem(at: directory) }
    var core = Self.core(Self.configuration(directory, learning: false), clock: ManualClock())
    #expect(core.snapshot.training.architecture == nil)
    #expect(core.snapshot.sessionName == nil)
    #expect(Self.finishBaselineRace(&core) == 11)
    #expect(core.tick() == .idle)
    #expect(core.snapshot.race?.traces.contains { $0.name == "lstm" } == false)
    core.handle(.save)
    #expect(core.snapshot.messages.last == "nothing to save: no learned optimizer runs here (demo mode)")
    core.handle(.quit)
    #expect(SessionStore(directory: directory).names().isEmpty)
  }

  /// A session that cannot be read is left alone: the engine trains in
  /// memory and never writes over it.
  @Test func anUnreadableSessionIsNeverOverwritten() throws {
    let directory = try Scratch.directory("core")
    defer { try? FileManager.default.removeItem(at: directory) }
    let folder = directory.appendingPathComponent("quadratic")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let broken = Data("{ not json".utf8)
    try broken.write(to: folder.appendingPathComponent("session.json"))
    var core = Self.core(Self.configuration(directory), clock: ManualClock())
    #expect(core.snapshot.messages.contains { $0.hasPrefix("could not resume session quadratic") })
    #expect(core.snapshot.sessionName == nil)
    _ = Self.finishBaselineRace(&core)
    Self.train(&core, 2)
    core.handle(.quit)
    #expect(try Data(contentsOf: folder.appendingPathComponent("session.json")) == broken)
  }
}
