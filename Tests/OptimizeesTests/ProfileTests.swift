import Foundation
@testable import Optimizees
import TestSupport
import Testing

/// The class-level facts of ``ProblemProfile`` agree with what the classes'
/// instances actually are, so callers can trust them without sampling.
@Suite struct ProfileTests {
  @Test(arguments: CatalogTests.expectedNames)
  func profileMatchesItsInstances(_ name: String) throws {
    let directory = try Scratch.directory("optimizees")
    defer { try? FileManager.default.removeItem(at: directory) }
    let profile = try ProblemCatalog.profile(named: name)
    if profile.needsMNIST { try TestFiles.writeDataset(FakeMNIST.dataset, to: directory, gzip: true) }
    let problemClass = try profile.make(mnistDirectory: directory.path)
    #expect(problemClass.profile.name == name)
    #expect(problemClass.name == name)
    #expect(profile.optionNames == profile.optionNames.sorted())
    for seed: UInt64 in [1, 2] {
      let problem = problemClass.sample(seed: seed)
      #expect(profile.isComposite == !problem.regularizer.isNone)
      #expect(profile.knowsLipschitz == (problem.smoothLipschitz != nil))
    }
    // Expensive: thousands of coordinates (minibatch gradients, interactive races kept small).
    #expect(profile.isExpensive == (profile.cost().dimension >= 1000))
    #expect(profile.metaTrainingDefaults.batch >= 1 && profile.metaTrainingDefaults.learningRate > 0)
    #expect(profile.learnedDefaults.outputScale > 0 && profile.learnedDefaults.outputScale.isFinite)
  }

  /// The cost estimate's dimension is the instances' (on the real 28×28
  /// layout for MNIST, which the estimate assumes without loading data).
  @Test(arguments: ["quadratic", "rosenbrock", "logistic", "lasso", "sparse-l0", "group-lasso", "lstm-copy", "dnc-copy"])
  func costDimensionIsTheInstances(_ name: String) throws {
    let profile = try ProblemCatalog.profile(named: name)
    for options in [[:], ["n": "20"], ["features": "7"]] as [[String: String]] {
      let valid = options.filter { profile.optionNames.contains($0.key) }
      let problem = try profile.make(options: valid).sample(seed: 3)
      let cost = profile.cost(options: valid)
      #expect(cost.dimension == Double(problem.dimension))
      #expect(cost.gradientFlops > 0 && cost.samplingFlops >= cost.gradientFlops)
    }
  }

  @Test func mnistCostCountsTheNetworksParameters() throws {
    let profile = try ProblemCatalog.profile(named: "mnist-mlp")
    let oneLayer: Double = 785 * 20 + 21 * 10
    let twoWide: Double = 785 * 40 + 41 * 40 + 41 * 10
    let linear: Double = 785 * 10
    #expect(profile.cost().dimension == oneLayer)
    #expect(profile.cost(options: ["hidden": "40", "layers": "2"]).dimension == twoWide)
    #expect(profile.cost(options: ["layers": "0"]).dimension == linear)
    // Malformed options fall back to the defaults (validation is the build's job).
    #expect(profile.cost(options: ["hidden": "many"]).dimension == profile.cost().dimension)
  }

  @Test func unknownNamesListTheValidOnes() {
    #expect(throws: ProblemError.unknownProblem(name: "cubic", valid: CatalogTests.expectedNames)) {
      try ProblemCatalog.profile(named: "cubic")
    }
  }
}
