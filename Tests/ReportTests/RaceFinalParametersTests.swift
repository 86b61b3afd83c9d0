import Evaluation
import LinearAlgebra
import Optimizees
import Optimizers
import Testing

/// The race keeps each instance's θ_T only when asked, and what it keeps is
/// the iterate its curves end at.
@Suite struct RaceFinalParametersTests {
  @Test func finalParametersAreKeptOnlyWhenAskedAndMatchTheCurves() throws {
    let problemClass = try ProblemCatalog.make("lasso")
    let racers = [Racer(OptimizerConfiguration(kind: .fista)), Racer(OptimizerConfiguration(kind: .adam, learningRate: 0.01))]
    let configuration = RaceConfiguration(steps: 15, instances: 3, seed: 7)
    var plain = RaceRun(problemClass: problemClass, racers: racers, configuration: configuration)
    let plainResult = plain.run()
    #expect(plainResult.traces.allSatisfy { $0.finalParameters == nil })

    var keeping = RaceRun(
      problemClass: problemClass, racers: racers, configuration: configuration, keepingFinalParameters: true)
    let result = keeping.run()
    // Keeping the iterates changes nothing else.
    #expect(result.traces.map(\.meanLoss) == plainResult.traces.map(\.meanLoss))
    #expect(keeping.instances.count == 3)
    for trace in result.traces {
      let finals = try #require(trace.finalParameters)
      #expect(finals.count == 3)
      var sum = 0.0
      for (index, theta) in finals.enumerated() {
        var problem = keeping.instances[index]
        sum += Double(problem.objective(at: theta))
      }
      let mean = sum / 3
      #expect(abs(mean - trace.meanLoss.last!) <= 1e-6 * max(1, abs(mean)), "\(trace.name)")
    }
  }
}
