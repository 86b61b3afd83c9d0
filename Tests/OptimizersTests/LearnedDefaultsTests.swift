import Optimizees
import Testing

@testable import Optimizers

/// The learned optimizer's starting point per class, read from the
/// problem profiles: each profile's preprocessing parses, and the values are
/// the ones the shipped sessions were trained from (docs/proximal.md,
/// docs/mnist.md).
@Suite struct LearnedDefaultsTests {
  static let expected: [(String, GradientPreprocessing, Float)] = [
    ("quadratic", .none, 1), ("rosenbrock", .logAndSign(k: 5), 0.01), ("logistic", .logAndSign(k: 5), 0.1),
    ("lasso", .logAndSign(k: 5), 0.3), ("sparse-l0", .logAndSign(k: 5), 10),
    ("group-lasso", .logAndSign(k: 5), 0.3), ("mnist-mlp", .logAndSign(k: 5), 0.01),
    ("mnist-cnn", .logAndSign(k: 5), 0.01),
    ("lstm-copy", .logAndSign(k: 5), 0.01),
    ("dnc-copy", .logAndSign(k: 5), 0.01),
  ]

  @Test func everyProfileParses() {
    for profile in ProblemCatalog.profiles {
      #expect(GradientPreprocessing(parsing: profile.learnedDefaults.preprocessing) != nil, "\(profile.name)")
    }
    #expect(Self.expected.map(\.0) == ProblemCatalog.names)
  }

  @Test(arguments: expected.indices)
  func defaultsPerClass(_ index: Int) throws {
    let (name, preprocessing, scale) = Self.expected[index]
    let configuration = LSTMOptimizerConfiguration.defaults(forProblem: name)
    #expect(configuration.preprocessing == preprocessing)
    #expect(configuration.outputScale == scale)
    #expect(configuration.layers == 2 && configuration.hiddenSize == 20)
    #expect(configuration == .defaults(for: try ProblemCatalog.profile(named: name)))
  }

  @Test func unknownClassesGetLogAndSign() {
    let configuration = LSTMOptimizerConfiguration.defaults(forProblem: "not-a-class")
    #expect(configuration.preprocessing == .logAndSign(k: 5) && configuration.outputScale == 0.1)
  }
}
