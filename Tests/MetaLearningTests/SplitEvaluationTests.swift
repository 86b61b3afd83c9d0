import Evaluation
import LinearAlgebra
import Optimizees
import Optimizers
import Testing

/// The percentile bootstrap and the held-out evaluation of a race's final
/// networks (`mnemo race --evaluate test`).
@Suite struct SplitEvaluationTests {
  @Test func aConstantSampleHasAPointInterval() {
    let interval = BootstrapInterval(values: Array(repeating: 0.25, count: 30))
    #expect(interval.mean == 0.25 && interval.lower == 0.25 && interval.upper == 0.25)
  }

  @Test func theIntervalHoldsTheMeanAndWidensWithTheLevel() {
    var rng = RandomSource(seed: 3)
    let values = (0..<100).map { _ in Double(rng.gaussian()) + 1 }
    let narrow = BootstrapInterval(values: values, level: 0.5)
    let wide = BootstrapInterval(values: values, level: 0.99)
    #expect(narrow.lower < narrow.mean && narrow.mean < narrow.upper)
    #expect(wide.lower < narrow.lower && narrow.upper < wide.upper)
    // About 1.96·σ/√n = 0.196 for a standard normal sample of 100.
    let standard = BootstrapInterval(values: values)
    #expect(abs((standard.upper - standard.lower) / 2 - 0.196) < 0.05)
    // Seeded: the same interval every time.
    #expect(BootstrapInterval(values: values) == standard)
  }

  @Test func nonFiniteValuesGiveNoInterval() {
    let interval = BootstrapInterval(values: [1, .nan, 2])
    #expect(interval.lower.isNaN && interval.upper.isNaN)
    #expect(BootstrapInterval(values: []).mean.isNaN)
  }

  @Test func separationNeedsDisjointIntervals() {
    let low = BootstrapInterval(values: [1, 1.1, 0.9, 1.05, 0.95])
    let high = BootstrapInterval(values: [2, 2.1, 1.9, 2.05, 1.95])
    #expect(low.isSeparated(from: high) && high.isSeparated(from: low))
    #expect(!low.isSeparated(from: low))
  }

  /// A tiny labelled data set (4×4 images whose label is the brightest
  /// quadrant), enough for the MLP and CNN classes.
  static func dataset() -> MNISTDataset {
    func split(_ count: Int, seed: UInt64) -> LabelledImages {
      var rng = RandomSource(seed: seed)
      var images: [Float] = []
      var labels: [UInt8] = []
      for _ in 0..<count {
        let label = rng.index(below: 4)
        for pixel in 0..<16 {
          let quadrant = (pixel / 8) * 2 + (pixel % 4) / 2
          images.append(quadrant == label ? 0.9 : Float(rng.uniform(0, 0.3)))
        }
        labels.append(UInt8(label))
      }
      return LabelledImages(images: images, labels: labels, rows: 4, columns: 4)
    }
    return MNISTDataset(train: split(60, seed: 1), test: split(24, seed: 2))
  }

  /// The MNIST classifiers, on the tiny data set.
  static let classifiers: [String] = ["mnist-mlp", "mnist-cnn"]

  @Test(arguments: classifiers)
  func finalNetworksAreEvaluatedOnTheSplit(_ name: String) throws {
    let problemClass: any ProblemClass =
      name == "mnist-cnn"
      ? MNISTCNNClass(dataset: Self.dataset(), channels: [2, 3], batchSize: 8)
      : MNISTMLPClass(dataset: Self.dataset(), hidden: 5, batchSize: 8)
    let racers = [
      Racer(OptimizerConfiguration(kind: .sgd, learningRate: 0.5)),
      Racer(OptimizerConfiguration(kind: .adam, learningRate: 0.01)),
    ]
    var run = RaceRun(
      problemClass: problemClass, racers: racers, configuration: RaceConfiguration(steps: 5, instances: 3),
      keepingFinalParameters: true)
    let result = run.run()
    let evaluation = try #require(SplitEvaluation(result: result, instances: run.instances, split: .test))
    #expect(evaluation.examples == 24)
    #expect(evaluation.rows.map(\.racer) == ["sgd", "adam"])
    for (row, trace) in zip(evaluation.rows, result.traces) {
      // The mean is the mean of direct evaluations of the final iterates.
      let thetas = try #require(trace.finalParameters)
      let direct = try zip(run.instances, thetas).map { instance, theta in
        let network = try #require(instance as? any MNISTClassifierProblem)
        return Double(network.evaluate(at: theta, split: .test, examples: nil).meanLoss)
      }
      #expect(abs(row.loss.mean - direct.reduce(0, +) / 3) < 1e-12)
      #expect(row.loss.lower <= row.loss.mean && row.loss.mean <= row.loss.upper)
      #expect((0...1).contains(row.accuracy.mean))
      #expect(row.diverged == 0)
    }
    #expect(evaluation.markdown.contains("| sgd"))
    #expect(evaluation.json.hasPrefix("[{\"optimizer\": \"sgd\""))
  }

  @Test func otherClassesHaveNoSplit() {
    let problemClass = QuadraticClass()
    var run = RaceRun(
      problemClass: problemClass, racers: [Racer(OptimizerConfiguration(kind: .sgd, learningRate: 0.01))],
      configuration: RaceConfiguration(steps: 2, instances: 2), keepingFinalParameters: true)
    let result = run.run()
    #expect(SplitEvaluation(result: result, instances: run.instances, split: .test) == nil)
  }
}
