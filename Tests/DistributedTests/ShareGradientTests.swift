import Evaluation
import MetaLearning
import Optimizees
import Optimizers
import Testing

@testable import Distributed

/// The premise of data-parallel training, checked in one process: the
/// weighted meta-gradients the shares hand to the all-reduce sum to the
/// whole batch's, because problem b keeps its seed whatever share holds it
/// and the objective is normalised by the global batch.
@Suite struct ShareGradientTests {
  static func trainer(share: Range<Int>?) throws -> MetaTrainer {
    let problemClass = try ProblemCatalog.make("quadratic", options: [:], mnistDirectory: nil)
    let configuration = MetaTrainingConfiguration(horizon: 10, unroll: 5, batch: 6, randomScaling: 1, seed: 3)
    let optimizer = LSTMOptimizerConfiguration.defaults(forProblem: "quadratic")
    return MetaTrainer(
      problemClass: problemClass, configuration: configuration,
      weights: LSTMOptimizerWeights(configuration: optimizer, seed: 3), share: share)
  }

  /// What one step hands to `reduce` (left unchanged: a one-rank sum).
  static func reducedBuffer(share: Range<Int>?) throws -> [Float] {
    var captured: [Float] = []
    try trainer(share: share).step { captured = $0 }
    return captured
  }

  @Test(arguments: [[0..<3, 3..<6], [0..<1, 1..<4, 4..<6]])
  func sharesSumToTheWholeBatch(shares: [Range<Int>]) throws {
    let whole = try Self.reducedBuffer(share: nil)
    var sum = [Float](repeating: 0, count: whole.count)
    for share in shares {
      let part = try Self.reducedBuffer(share: share)
      try #require(part.count == whole.count)
      for i in sum.indices { sum[i] += part[i] }
    }
    let scale = whole.dropLast(3).map { abs($0) }.max() ?? 0
    try #require(scale > 0)
    // Gradient, weighted meta-loss, sum of losses: equal up to Float sums.
    for i in 0..<(whole.count - 1) {
      let tolerance = 1e-5 * max(abs(whole[i]), i < whole.count - 3 ? scale : 1)
      #expect(abs(sum[i] - whole[i]) <= tolerance, "entry \(i): \(sum[i]) vs \(whole[i])")
    }
    #expect(sum[whole.count - 1] == 0)  // no non-finite values
  }

  @Test func aTrainerOnAShareSamplesOnlyItsProblems() throws {
    let trainer = try Self.trainer(share: 2..<5)
    #expect(trainer.share == 2..<5)
    let whole = try Self.trainer(share: nil)
    #expect(whole.share == 0..<6)
  }
}
