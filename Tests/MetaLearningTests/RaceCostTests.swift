import Foundation
import LinearAlgebra
import Optimizees
import Optimizers
import Testing

@testable import Evaluation
@testable import MetaLearning

/// What a race measures beyond the losses: the cost of each rule's update
/// (wall time, estimated FLOPs), the spread of the loss, the optimum and
/// relative error in the CSV, and a DNC's memory per step on request.
@Suite struct RaceCostTests {
  static let steps = 6

  static func race(_ racers: [Racer], recordingDNCMemory: Bool = false) -> RaceResult {
    var run = RaceRun(
      problemClass: SeparableQuadratics(), racers: racers,
      configuration: RaceConfiguration(steps: steps, instances: 3, seed: 1),
      recordingDNCMemory: recordingDNCMemory)
    return run.run()
  }

  static let dnc = DNCOptimizerWeights(
    configuration: DNCOptimizerConfiguration(
      hiddenSize: 4, memorySlots: 4, wordSize: 3, readHeads: 2, preprocessing: .none, outputScale: 0.1),
    seed: 2)

  /// FLOPs per update from each rule's arithmetic, per coordinate (the
  /// separable problem has 3): SGD 2, momentum 4, Adam 14; the learned LSTM
  /// far above any of them.
  @Test func flopsPerStepFollowTheRules() throws {
    let lstm = LSTMOptimizerWeights(
      configuration: LSTMOptimizerConfiguration(layers: 2, hiddenSize: 20, preprocessing: .none, outputScale: 0.1),
      seed: 1)
    let result = Self.race([
      Racer(OptimizerConfiguration(kind: .sgd, learningRate: 0.1)),
      Racer(OptimizerConfiguration(kind: .momentum, learningRate: 0.1)),
      Racer(OptimizerConfiguration(kind: .adam, learningRate: 0.1)),
      MetaTrainer.racer(weights: lstm),
    ])
    #expect(result.traces.map(\.flopsPerStep) == [6, 12, 42, result.traces[3].flopsPerStep])
    let learned = try #require(result.traces[3].flopsPerStep)
    // 2 layers of 20, input 1: 8·20·21 + 200 + 8·20·40 + 200 + 43 + 4 per coordinate.
    let perCoordinate: Double = 4 + 8 * 20 * 21 + 200 + 8 * 20 * 40 + 200 + 43
    #expect(learned == 3 * perCoordinate)
    #expect(learned > 500 * 42)
    // The curvature rule: a second head column (2·20) and its step (12 instead of 3).
    var curvature = lstm.configuration
    curvature.update = .curvature
    let secant = LSTMOptimizer(weights: LSTMOptimizerWeights(configuration: curvature, seed: 1), dimension: 3)
    #expect(secant.flopsPerStep == 3 * (perCoordinate + 2 * 20 + 9))
  }

  /// Each step's update is timed (positive, one entry per step), the loss
  /// spread is recorded, and a trace differing only in timings is equal.
  @Test func updatesAreTimedAndSpreadIsRecorded() throws {
    let result = Self.race([Racer(OptimizerConfiguration(kind: .sgd, learningRate: 0.1))])
    let trace = try #require(result.traces.first)
    #expect(trace.stepSeconds.count == Self.steps)
    #expect(trace.stepSeconds.allSatisfy { $0 >= 0 && $0 < 1 } && trace.stepSeconds.reduce(0, +) > 0)
    #expect(trace.cumulativeSeconds.count == Self.steps + 1 && trace.cumulativeSeconds[0] == 0)
    #expect(trace.lossStandardDeviation.count == Self.steps + 1)
    #expect(trace.lossStandardDeviation[Self.steps] > 0)  // the instances' curvatures differ
    var retimed = trace
    retimed.stepSeconds = retimed.stepSeconds.map { $0 * 2 }
    #expect(retimed == trace)
    let summary = try #require(result.summaries().first)
    #expect(summary.secondsPerStep == trace.meanStepSeconds)
    #expect(abs(summary.finalLossHalfWidth - 1.96 * trace.lossStandardDeviation[Self.steps] / 3.squareRoot()) < 1e-12)
  }

  /// The CSV carries the optimum, the mean relative error, the spread, the
  /// timing and the FLOPs; a table read back by name keeps them.
  @Test func csvCarriesOptimumRelativeErrorAndCost() throws {
    let result = Self.race([Racer(OptimizerConfiguration(kind: .sgd, learningRate: 0.1))])
    let table = result.csvTable
    for column in ["optimum", "mean_relative_error", "loss_std", "step_seconds", "flops_per_step"] {
      #expect(table.header.contains(column))
    }
    let row = table.rows[2]
    let value = { (name: String) in row[try #require(table.header.firstIndex(of: name))] }
    #expect(try value("optimum") == "0.0")
    #expect(try value("flops_per_step") == "6.0")
    #expect(try Double(value("step_seconds")) ?? 0 > 0)
    // r = 0 on this problem: the relative error is undefined, so empty.
    #expect(try value("mean_relative_error") == "")
    let last = table.rows[Self.steps]
    #expect(last[try #require(table.header.firstIndex(of: "step_seconds"))] == "")  // no step from θ_T
  }

  /// Where r > 0 the mean relative error is in the CSV, equal to the trace's.
  @Test func relativeErrorIsWrittenWhereDefined() throws {
    var run = RaceRun(
      problemClass: ShiftedQuadratics(), racers: [Racer(OptimizerConfiguration(kind: .sgd, learningRate: 0.1))],
      configuration: RaceConfiguration(steps: 3, instances: 2, seed: 1))
    let result = run.run()
    let table = result.csvTable
    let column = try #require(table.header.firstIndex(of: "mean_relative_error"))
    let written = table.rows.map { Double($0[column]) }
    #expect(written == result.traces[0].meanRelativeError.map { Optional($0) })
    #expect(written.allSatisfy { ($0 ?? -1) > 0 })
  }

  /// With recording on, a DNC racer keeps its memory at every point (the
  /// initial one and after each step); other racers and unrecorded races
  /// keep none.
  @Test func dncMemoryIsRecordedPerStepOnRequest() throws {
    let racers = [
      Racer(OptimizerConfiguration(kind: .sgd, learningRate: 0.1)),
      MetaTrainer.racer(weights: .dnc(Self.dnc), name: "dnc"),
    ]
    let recorded = Self.race(racers, recordingDNCMemory: true)
    #expect(recorded.traces[0].memoryHistory == nil)
    let history = try #require(recorded.traces[1].memoryHistory)
    #expect(history.count == Self.steps + 1)
    #expect(history.allSatisfy { $0.slots == 4 && $0.width == 3 && $0.memory.count == 12 && $0.readWeights.count == 2 })
    #expect(history[0].memory.allSatisfy { $0 == 0 })
    #expect(history.last?.usage.contains { $0 > 0 } == true)
    #expect(Self.race(racers).traces[1].memoryHistory == nil)
  }
}

/// ½ Σ aᵢ θᵢ² + 1: the separable quadratic lifted so its optimum is r = 1.
struct ShiftedQuadratic: Problem {
  var inner: SeparableQuadratic
  var dimension: Int { inner.dimension }
  var initialParameters: [Float] { inner.initialParameters }
  var regularizer: Regularizer { .none }
  var optimum: Float { 1 }

  mutating func smoothLoss(
    at theta: UnsafeBufferPointer<Float>, gradient: UnsafeMutableBufferPointer<Float>?
  ) -> Float {
    inner.smoothLoss(at: theta, gradient: gradient) + 1
  }
}

struct ShiftedQuadratics: ProblemClass {
  var profile: ProblemProfile { .testFixture("shifted", summary: summary) { ShiftedQuadratics() } }
  var summary: String { "½ Σ aᵢ θᵢ² + 1" }
  var configurationKey: String { "shifted" }
  func sample(seed: UInt64) -> any Problem {
    guard let inner = SeparableQuadratics().sample(seed: seed) as? SeparableQuadratic else {
      preconditionFailure("SeparableQuadratics samples SeparableQuadratic")
    }
    return ShiftedQuadratic(inner: inner)
  }
}
