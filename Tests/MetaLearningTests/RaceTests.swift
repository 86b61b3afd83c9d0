@testable import Evaluation
import Foundation
import LinearAlgebra
@testable import MetaLearning
import Optimizees
import Optimizers
import TestSupport
import Testing

/// f(θ) = ½ Σ aᵢ θᵢ², with θ₀ = 1: plain gradient descent with rate η
/// multiplies coordinate i by (1 − η aᵢ) each step, so the race's curves have
/// closed forms.
struct SeparableQuadratic: Problem {
  var curvatures: [Float]
  var dimension: Int { curvatures.count }
  var initialParameters: [Float] { [Float](repeating: 1, count: dimension) }
  var regularizer: Regularizer { .none }
  var optimum: Float { 0 }

  mutating func smoothLoss(
    at theta: UnsafeBufferPointer<Float>, gradient: UnsafeMutableBufferPointer<Float>?
  ) -> Float {
    var loss: Float = 0
    for i in 0..<dimension {
      loss += 0.5 * curvatures[i] * theta[i] * theta[i]
      gradient?[i] = curvatures[i] * theta[i]
    }
    return loss
  }
}

struct SeparableQuadratics: ProblemClass {
  var profile: ProblemProfile { .testFixture("separable", summary: summary) { SeparableQuadratics() } }
  var summary: String { "½ Σ aᵢ θᵢ² with aᵢ ∈ [1, 2)" }
  var configurationKey: String { "separable" }
  func sample(seed: UInt64) -> any Problem {
    var rng = RandomSource(seed: seed)
    return SeparableQuadratic(curvatures: (0..<3).map { _ in 1 + rng.uniform() })
  }
}

@Suite struct RaceTests {
  @Test func gradientDescentCurveMatchesClosedForm() throws {
    let problems = SeparableQuadratics()
    let rate: Float = 0.1
    var run = RaceRun(
      problemClass: problems,
      racers: [Racer(OptimizerConfiguration(kind: .sgd, learningRate: rate))],
      configuration: RaceConfiguration(steps: 10, instances: 4, seed: 3))
    let result = run.run()
    let trace = try #require(result.traces.first)
    #expect(trace.meanLoss.count == 11)
    #expect(trace.updateNorm.count == 10)
    // Expected mean loss at each step from the closed form.
    let instances = (0..<4).map { problems.sample(seed: SeedStream.evaluation.seed(3, index: $0)) }
    for t in 0...10 {
      var expected = 0.0
      for case let instance as SeparableQuadratic in instances {
        for a in instance.curvatures {
          let factor = Double(1 - rate * a)
          expected += 0.5 * Double(a) * pow(factor, Double(2 * t))
        }
      }
      expected /= 4
      #expect(abs(trace.meanLoss[t] - expected) < 1e-5 * max(expected, 1))
    }
    #expect(trace.divergedAt == nil)
  }

  @Test func allRacersStartFromTheSameLoss() {
    var run = RaceRun(
      problemClass: SeparableQuadratics(),
      racers: [.init(OptimizerConfiguration(kind: .adam, learningRate: 0.01)),
               .init(OptimizerConfiguration(kind: .nag, learningRate: 0.05))],
      configuration: RaceConfiguration(steps: 5, instances: 3))
    let result = run.run()
    #expect(result.traces[0].meanLoss[0] == result.traces[1].meanLoss[0])
    #expect(result.traces[0].meanLoss[5] != result.traces[1].meanLoss[5])
  }

  @Test func explodingRacerIsMarkedDivergedAndOthersGoOn() throws {
    var run = RaceRun(
      problemClass: SeparableQuadratics(),
      racers: [.init(OptimizerConfiguration(kind: .sgd, learningRate: 5), name: "too-fast"),
               .init(OptimizerConfiguration(kind: .sgd, learningRate: 0.1), name: "fine")],
      configuration: RaceConfiguration(steps: 40, instances: 2))
    let result = run.run()
    let fast = result.traces[0], fine = result.traces[1]
    let divergedAt = try #require(fast.divergedAt)
    #expect(divergedAt > 0 && divergedAt < 40)
    #expect(fast.meanLoss.count == 41)
    #expect(fast.meanLoss[40].isNaN)
    #expect(fine.divergedAt == nil)
    #expect(fine.meanLoss[40] < fine.meanLoss[0])
    let summaries = result.summaries()
    #expect(summaries[0].rank == 2)
    #expect(summaries[1].rank == 1)
  }

  @Test func seededRaceIsDeterministic() {
    func race() -> RaceResult {
      var run = RaceRun(
        problemClass: SeparableQuadratics(),
        racers: [.init(OptimizerConfiguration(kind: .rmsprop, learningRate: 0.01))],
        configuration: RaceConfiguration(steps: 8, instances: 5, seed: 9))
      return run.run()
    }
    #expect(race() == race())
  }

  @Test func fistaBeatsIstaOnLasso() throws {
    let lasso = try ProblemCatalog.make("lasso")
    var run = RaceRun(
      problemClass: lasso,
      racers: [.init(OptimizerConfiguration(kind: .ista)), .init(OptimizerConfiguration(kind: .fista))],
      configuration: RaceConfiguration(steps: 300, instances: 3))
    let result = run.run()
    let relative = result.traces.map { $0.meanError[300] / result.meanOptimum }
    #expect(relative[1] < relative[0])
  }

  /// The trace's mean relative error is the mean of per-instance ratios: with
  /// one instance it is the error over r; with r = 0 it is undefined.
  @Test func meanRelativeErrorIsTheMeanOfRatios() throws {
    let lasso = try ProblemCatalog.make("lasso")
    var one = RaceRun(
      problemClass: lasso, racers: [.init(OptimizerConfiguration(kind: .ista))],
      configuration: RaceConfiguration(steps: 10, instances: 1))
    let single = one.run()
    let trace = single.traces[0]
    #expect(trace.meanRelativeError.count == 11)
    for t in 0...10 {
      let expected = trace.meanError[t] / single.meanOptimum
      #expect(abs(trace.meanRelativeError[t] - expected) <= 1e-9 * max(1, expected), "t = \(t)")
    }
    var smooth = RaceRun(
      problemClass: SeparableQuadratics(), racers: [.init(OptimizerConfiguration(kind: .sgd, learningRate: 0.1))],
      configuration: RaceConfiguration(steps: 3, instances: 2))
    #expect(smooth.run().traces[0].meanRelativeError.isEmpty)
  }
}

@Suite struct TuningTests {
  @Test func tunerPicksTheRateThatConvergesFastest() throws {
    // On ½ Σ aᵢθᵢ² with aᵢ ∈ [1, 2), SGD is fastest near η = 1/aᵢ ≈ 0.67 and
    // oscillates slowly at η = 1 (|1 − aᵢ| near 1 for aᵢ near 2); among the
    // half-decade grid 0.316 wins, and smaller rates are ever slower.
    let tuner = LearningRateTuner(instances: 4, seed: 1)
    let outcomes = tuner.tune(problemClass: SeparableQuadratics(), kinds: [.sgd], steps: 30)
    let sgd = try #require(outcomes.first)
    #expect(abs(sgd.learningRate - 0.316) < 0.01)
    #expect(sgd.candidates.count == LearningRateGrid.halfDecades.count)
    let small = sgd.candidates.prefix { $0.learningRate < 0.3 }.map(\.score)
    #expect(zip(small, small.dropFirst()).allSatisfy { $0 > $1 })
  }

  @Test func cacheRoundTrip() throws {
    let directory = try Scratch.directory("tests")
    let url = directory.appendingPathComponent("rates.json")
    var cache = TuningCache(url: url)
    cache.record(0.0316, problemKey: "quadratic(n=10)", steps: 100, kind: .adam)
    try cache.save()
    let reopened = TuningCache(url: url)
    #expect(reopened.learningRate(problemKey: "quadratic(n=10)", steps: 100, kind: .adam) == 0.0316)
    #expect(reopened.learningRate(problemKey: "quadratic(n=10)", steps: 200, kind: .adam) == nil)
  }

  @Test func corruptCacheIsTreatedAsEmpty() throws {
    let url = try Scratch.directory("tests").appendingPathComponent("rates.json")
    try Data("{not json".utf8).write(to: url)
    let cache = TuningCache(url: url)
    #expect(cache.learningRate(problemKey: "x", steps: 1, kind: .sgd) == nil)
  }
}

extension ProblemProfile {
  /// The profile of a test-only class: smooth, cheap, generic defaults.
  static func testFixture(
    _ name: String, summary: String, make: @escaping @Sendable () -> any ProblemClass
  ) -> ProblemProfile {
    ProblemProfile(
      name: name, summary: summary, optionNames: [],
      learnedDefaults: LearnedDefaults(preprocessing: "log-sign:5", outputScale: 0.1),
      metaTrainingDefaults: MetaTrainingDefaults(batch: 16),
      estimate: { _ in ProblemCost(dimension: 3, gradientFlops: 6) }, build: { _, _ in make() })
  }
}
