import Foundation
@testable import Optimizees
import TestSupport
import Testing

/// The catalog the CLI builds problem classes through.
@Suite struct CatalogTests {
  static let expectedNames = [
    "quadratic", "rosenbrock", "logistic", "lasso", "sparse-l0", "group-lasso", "mnist-mlp", "mnist-cnn", "lstm-copy",
    "dnc-copy",
  ]

  /// The canonical key of each class with default options.
  static let defaultKeys: [String: String] = [
    "quadratic": "quadratic(distribution=gaussian,n=10)",
    "rosenbrock": "rosenbrock(a=1,b=100,jitter=0.1)",
    "logistic": "logistic(features=20,l2=0.001,noise=0.05,points=100)",
    "lasso": "lasso(lambda=0.005,m=25,n=50,noise=0,sparsity=0.1)",
    "sparse-l0": "sparse-l0(lambda=0.005,m=25,n=50,noise=0,sparsity=0.1)",
    "group-lasso": "group-lasso(group=5,lambda=0.01,m=25,n=50,noise=0,sparsity=0.1)",
    "mnist-mlp": "mnist-mlp(activation=sigmoid,batch=128,hidden=20,layers=1)",
    "mnist-cnn": "mnist-cnn(batch=128,channels=8/16,kernel=3)",
    "lstm-copy": "lstm-copy(batch=16,bits=6,hidden=32,length=5)",
    "dnc-copy": "dnc-copy(batch=16,bits=6,hidden=32,length=5,reads=1,slots=16,word=8)",
  ]

  static let defaultDimensions: [String: Int] = [
    "quadratic": 10, "rosenbrock": 2, "logistic": 20, "lasso": 50, "sparse-l0": 50, "group-lasso": 50,
    "mnist-mlp": 16 * 20 + 20 + 20 * 10 + 10,  // on the fake 4×4 data written below
    // 4×4 → 2×2 → 1×1: 8·(9 + 1) + 16·(72 + 1) + (16 + 1)·10
    "mnist-cnn": 80 + 1168 + 170,
    "lstm-copy": (7 + 32 + 1) * 4 * 32 + (32 + 1) * 6,
    // (D + RW + H + 1)·4H + (H + 1)·I + (H + RW + 1)·O with I = RW + 3W + 5R + 3 = 40
    "dnc-copy": (7 + 8 + 32 + 1) * 4 * 32 + (32 + 1) * 40 + (32 + 8 + 1) * 6,
  ]

  @Test func namesAndSummariesAreInDisplayOrder() {
    #expect(ProblemCatalog.names == Self.expectedNames)
    #expect(ProblemCatalog.summaries.map(\.name) == Self.expectedNames)
    #expect(ProblemCatalog.summaries.allSatisfy { !$0.summary.isEmpty && !$0.summary.contains("\n") })
  }

  @Test(arguments: expectedNames)
  func everyNameBuildsWithDefaults(_ name: String) throws {
    let directory = try Scratch.directory("optimizees")
    defer { try? FileManager.default.removeItem(at: directory) }
    if try ProblemCatalog.profile(named: name).needsMNIST {
      try TestFiles.writeDataset(FakeMNIST.dataset, to: directory, gzip: true)
    }
    let problemClass = try ProblemCatalog.make(name, mnistDirectory: directory.path)
    #expect(problemClass.name == name)
    #expect(problemClass.configurationKey == Self.defaultKeys[name])
    #expect(!problemClass.summary.isEmpty)
    var problem = problemClass.sample(seed: 1)
    #expect(problem.dimension == Self.defaultDimensions[name])
    #expect(problem.initialParameters.count == problem.dimension)
    let value = problem.objective(at: problem.initialParameters)
    #expect(value.isFinite && value >= problem.optimum)
    #expect(problem.optimum.isFinite && problem.optimum >= 0)
    #expect(try ProblemCatalog.options(of: name) == ProblemCatalog.options(of: name).sorted())
  }

  @Test func configurationKeysAreCanonical() throws {
    // Options in any order, defaults filled in, keys sorted.
    let a = try ProblemCatalog.make("quadratic", options: ["distribution": "uniform", "n": "5"])
    let b = try ProblemCatalog.make("quadratic", options: ["n": "5", "distribution": "UNIFORM"])
    #expect(a.configurationKey == "quadratic(distribution=uniform,n=5)")
    #expect(b.configurationKey == a.configurationKey)
    // Explicit defaults give the same key as omitted ones.
    let explicit = try ProblemCatalog.make(
      "lasso", options: ["lambda": "0.005", "m": "25", "sparsity": "0.10"])
    #expect(explicit.configurationKey == Self.defaultKeys["lasso"])
    #expect(
      try ProblemCatalog.make("quadratic", options: ["m": "10"]).configurationKey
        == Self.defaultKeys["quadratic"])
    #expect(
      try ProblemCatalog.make("quadratic", options: ["m": "20"]).configurationKey
        == "quadratic(distribution=gaussian,m=20,n=10)")
    #expect(
      try ProblemCatalog.make("logistic", options: ["noise": "0.2", "l2": "1e-2"]).configurationKey
        == "logistic(features=20,l2=0.01,noise=0.2,points=100)")
  }

  @Test func unknownNameListsTheValidNames() {
    let expected = ProblemError.unknownProblem(name: "quadratik", valid: Self.expectedNames)
    #expect(throws: expected) { try ProblemCatalog.make("quadratik") }
    for name in Self.expectedNames { #expect(expected.description.contains(name)) }
  }

  @Test func unknownOptionListsTheValidOptions() throws {
    let expected = ProblemError.unknownOption(
      problem: "lasso", option: "groups", valid: ["lambda", "m", "n", "noise", "sparsity"])
    #expect(throws: expected) { try ProblemCatalog.make("lasso", options: ["groups": "5"]) }
    #expect(expected.description.contains("lambda, m, n, noise, sparsity"))
    #expect(
      throws: ProblemError.unknownOption(problem: "rosenbrock", option: "n", valid: ["a", "b", "jitter"])
    ) {
      try ProblemCatalog.make("rosenbrock", options: ["n": "3"])
    }
    // mnist-mlp checks its options before looking for the data.
    #expect(
      throws: ProblemError.unknownOption(
        problem: "mnist-mlp", option: "width", valid: ["activation", "batch", "hidden", "layers"])
    ) {
      try ProblemCatalog.make("mnist-mlp", options: ["width": "40"], mnistDirectory: "/no/such/dir")
    }
  }

  struct BadValue: Sendable, CustomTestStringConvertible {
    let name: String
    let option: String
    let value: String
    let expected: String
    var testDescription: String { "\(name) \(option)=\(value)" }
  }

  static let badValues: [BadValue] = [
    BadValue(name: "quadratic", option: "n", value: "0", expected: "an integer ≥ 1"),
    BadValue(name: "quadratic", option: "n", value: "ten", expected: "an integer ≥ 1"),
    BadValue(
      name: "quadratic", option: "distribution", value: "cauchy", expected: "one of gaussian, uniform"),
    BadValue(name: "rosenbrock", option: "b", value: "-1", expected: "> 0"),
    BadValue(name: "logistic", option: "noise", value: "0.7", expected: "[0, 0.5]"),
    BadValue(name: "logistic", option: "l2", value: "nan", expected: "> 0"),
    BadValue(name: "lasso", option: "sparsity", value: "0", expected: "(0, 1]"),
    BadValue(name: "sparse-l0", option: "lambda", value: "-0.1", expected: "≥ 0"),
    BadValue(name: "group-lasso", option: "group", value: "7", expected: "a divisor of n = 50"),
    BadValue(name: "mnist-mlp", option: "activation", value: "elu", expected: "one of sigmoid, relu, tanh"),
    BadValue(name: "mnist-mlp", option: "layers", value: "-1", expected: "an integer ≥ 0"),
    BadValue(name: "mnist-cnn", option: "kernel", value: "4", expected: "3 or 5"),
    BadValue(name: "mnist-cnn", option: "channels", value: "0", expected: "1…64"),
  ]

  @Test(arguments: badValues)
  func badValuesSayWhatIsExpected(_ bad: BadValue) {
    let error = #expect(throws: ProblemError.self) {
      try ProblemCatalog.make(bad.name, options: [bad.option: bad.value], mnistDirectory: "/no/such/dir")
    }
    guard case .invalidOption(let problem, let option, let value, let expected) = error else {
      Issue.record("expected invalidOption, got \(String(describing: error))")
      return
    }
    #expect(problem == bad.name && option == bad.option && value == bad.value)
    #expect(expected.contains(bad.expected), "\(expected)")
    #expect(error?.description.contains(bad.value) == true)
  }

  @Test(arguments: ["mnist-mlp", "mnist-cnn"])
  func mnistWithoutDataSaysWhereToPutIt(_ name: String) {
    let error = #expect(throws: ProblemError.self) {
      try ProblemCatalog.make(name, mnistDirectory: "/no/such/dir")
    }
    #expect(error == .mnistNotFound(searched: ["/no/such/dir"], missing: ["no such directory"]))
    #expect(error?.description.contains(name) == true)
  }

  @Test func mnistVariantsBuildOnFakeData() throws {
    let directory = try Scratch.directory("optimizees")
    defer { try? FileManager.default.removeItem(at: directory) }
    try TestFiles.writeDataset(FakeMNIST.dataset, to: directory, gzip: false)
    let options = ["hidden": "40", "layers": "2", "activation": "relu", "batch": "16"]
    let problemClass = try ProblemCatalog.make("mnist-mlp", options: options, mnistDirectory: directory.path)
    #expect(problemClass.configurationKey == "mnist-mlp(activation=relu,batch=16,hidden=40,layers=2)")
    let problem = try #require(problemClass.sample(seed: 1) as? MNISTMLPProblem)
    #expect(problem.layerSizes == [16, 40, 40, 10])
    #expect(problem.batchSize == 16 && problem.activation == .relu && problem.isStochastic)

    let options2 = ["channels": "2,3", "kernel": "5", "batch": "16"]
    let cnnClass = try ProblemCatalog.make("mnist-cnn", options: options2, mnistDirectory: directory.path)
    #expect(cnnClass.configurationKey == "mnist-cnn(batch=16,channels=2/3,kernel=5)")
    let cnn = try #require(cnnClass.sample(seed: 1) as? MNISTCNNProblem)
    #expect(cnn.channels == [2, 3] && cnn.kernel == 5 && cnn.batchSize == 16 && cnn.isStochastic)
  }
}
