import Testing

@testable import Optimizees

/// Sampling is a pure function of the seed.
@Suite struct DeterminismTests {
  /// Every class of the catalog (MNIST on fake data).
  static let classes: [GradientCase] = GradientCase.all + GradientCase.convolutional

  /// A fixed probe point, the same for every seed.
  static func probe(_ dimension: Int) -> [Float] {
    (0..<dimension).map { Float((($0 * 37) % 11) - 5) * 0.03 }
  }

  @Test(arguments: classes)
  func sameSeedSameInstance(_ problemCase: GradientCase) throws {
    let problemClass = try problemCase.make()
    let first = problemClass.sample(seed: 42)
    let second = problemClass.sample(seed: 42)
    #expect(first.initialParameters == second.initialParameters)
    #expect(first.optimum == second.optimum)
    #expect(first.smoothLipschitz == second.smoothLipschitz)
    #expect(first.regularizer == second.regularizer)
    let theta = Self.probe(first.dimension)
    #expect(Evaluate.smoothWithGradient(first, at: theta) == Evaluate.smoothWithGradient(second, at: theta))
  }

  @Test(arguments: classes)
  func differentSeedsDiffer(_ problemCase: GradientCase) throws {
    let problemClass = try problemCase.make()
    let first = problemClass.sample(seed: 42)
    let second = problemClass.sample(seed: 43)
    let theta = Self.probe(first.dimension)
    // Rosenbrock is one function with jittered starts; the others draw data.
    let startsDiffer = first.initialParameters != second.initialParameters
    let functionsDiffer = Evaluate.smooth(first, at: theta) != Evaluate.smooth(second, at: theta)
    #expect(startsDiffer || functionsDiffer)
    if problemClass.name != "rosenbrock" { #expect(functionsDiffer) }
  }

  @Test func stochasticProblemDrawsAFreshMinibatchPerCallAndCopiesReplayIt() {
    var problem = MNISTMLPClass(dataset: FakeMNIST.dataset, batchSize: 8).instance(seed: 1)
    #expect(problem.isStochastic)
    let replay = problem
    let theta = problem.initialParameters.map { $0 * 50 }
    let first = problem.objective(at: theta)
    let second = problem.objective(at: theta)
    #expect(first != second, "two calls saw the same minibatch")
    var copy = replay
    #expect(copy.objective(at: theta) == first)
    #expect(copy.objective(at: theta) == second)
  }

  @Test func deterministicProblemsAreNotStochastic() throws {
    // The minibatched classes draw fresh data at every call.
    for name in ProblemCatalog.names where !["mnist-mlp", "mnist-cnn", "lstm-copy", "dnc-copy"].contains(name) {
      var problem = try ProblemCatalog.make(name).sample(seed: 3)
      #expect(!problem.isStochastic)
      let theta = problem.initialParameters.map { $0 + 0.25 }
      #expect(problem.objective(at: theta) == problem.objective(at: theta), "\(name)")
    }
  }
}
