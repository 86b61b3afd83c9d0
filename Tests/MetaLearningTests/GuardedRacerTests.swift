import Optimizers
import Testing

@testable import Evaluation

/// A guarded racer in a real race: the race hands every optimizer the loss
/// before its step, so the guard sees what the trace records.
@Suite struct GuardedRacerTests {
  static func race(_ racers: [Racer], steps: Int) -> [RacerTrace] {
    var run = RaceRun(
      problemClass: SeparableQuadratics(), racers: racers,
      configuration: RaceConfiguration(steps: steps, instances: 4, seed: 3))
    return run.run().traces
  }

  @Test func guardingADescendingRuleChangesNothing() throws {
    let momentum = Racer(OptimizerConfiguration(kind: .momentum, learningRate: 0.1))
    let adam = try OptimizerConfiguration.parse("adam@0.01")
    let traces = Self.race([momentum, momentum.guarded(by: adam)], steps: 60)
    #expect(traces[1].name == "momentum+guard")
    #expect(traces[0].meanLoss == traces[1].meanLoss)
  }

  @Test func aDivergingRuleIsRescuedByItsFallback() throws {
    // Curvatures lie in [1, 2), so SGD with η = 2.5 multiplies every
    // coordinate by |1 − 2.5a| ≥ 1.5 per step: it diverges.
    let unstable = Racer(OptimizerConfiguration(kind: .sgd, learningRate: 2.5))
    let adam = try OptimizerConfiguration.parse("adam@0.05")
    let traces = Self.race([unstable, unstable.guarded(by: adam)], steps: 300)
    #expect(traces[0].divergedAt != nil, "unguarded SGD at η = 2.5 must diverge")
    #expect(traces[1].divergedAt == nil)
    let final = try #require(traces[1].meanLoss.last)
    #expect(final < 0.05 * traces[1].meanLoss[0], "guarded final loss \(final)")
  }
}
