import Optimizers
import Testing

/// The hand-designed rules' `reset()`, gathered for data-driven tests.
protocol ResettableOptimizer: Optimizer {
  mutating func reset()
}

extension SGD: ResettableOptimizer {}
extension Momentum: ResettableOptimizer {}
extension NAG: ResettableOptimizer {}
extension RMSprop: ResettableOptimizer {}
extension Adam: ResettableOptimizer {}
extension AdaGrad: ResettableOptimizer {}
extension FISTA: ResettableOptimizer {}

/// State is per value: resetting forgets it, copies do not share it, and a
/// step writes into the caller's array in place.
@Suite struct OptimizerStateTests {
  static let dimension = 3
  static let start: [Float] = [0.5, -1, 2]
  static let gradients: [[Float]] = [[1, -2, 0.5], [0.25, 1, -1], [-0.5, 0.5, 2], [2, -1, 0.1]]

  static let fresh: [any ResettableOptimizer] = [
    SGD(dimension: dimension, learningRate: 0.05),
    Momentum(dimension: dimension, learningRate: 0.05),
    NAG(dimension: dimension, learningRate: 0.05),
    RMSprop(dimension: dimension, learningRate: 0.05),
    Adam(dimension: dimension, learningRate: 0.05),
    AdaGrad(dimension: dimension, learningRate: 0.05),
    SGD(dimension: dimension, learningRate: 0.05, kind: .ista),
    FISTA(dimension: dimension, learningRate: 0.05),
  ]

  /// Runs the fixed gradients from `start` through the race's call order.
  static func trajectory(_ optimizer: inout any ResettableOptimizer) -> [[Float]] {
    var erased: any Optimizer = optimizer
    let run = runFixedGradients(&erased, from: start, gradients: gradients)
    if let back = erased as? any ResettableOptimizer { optimizer = back }
    return run.iterates
  }

  @Test(arguments: fresh)
  func resetBehavesLikeFresh(_ prototype: any ResettableOptimizer) {
    var reference = prototype
    let expected = Self.trajectory(&reference)
    var used = prototype
    _ = Self.trajectory(&used)
    used.reset()
    #expect(Self.trajectory(&used) == expected, "\(prototype.name) after reset")
  }

  @Test(arguments: fresh)
  func copiesDoNotShareState(_ prototype: any ResettableOptimizer) {
    var original: any Optimizer = prototype
    var theta = Self.start
    original.step(parameters: &theta, gradient: Self.gradients[0])
    let snapshot = original
    let thetaAtSnapshot = theta
    // Advancing the original must not change what the copy does next.
    var advanced = theta
    for g in Self.gradients.dropFirst() { original.step(parameters: &advanced, gradient: g) }
    var copy = snapshot
    var fromCopy = thetaAtSnapshot
    copy.step(parameters: &fromCopy, gradient: Self.gradients[1])
    var again: any Optimizer = prototype
    var fromScratch = Self.start
    again.step(parameters: &fromScratch, gradient: Self.gradients[0])
    again.step(parameters: &fromScratch, gradient: Self.gradients[1])
    #expect(fromCopy == fromScratch, "\(prototype.name): a copy was disturbed by its original")
  }

  @Test(arguments: fresh)
  func stepWritesInPlace(_ prototype: any ResettableOptimizer) {
    var optimizer: any Optimizer = prototype
    var theta = Self.start.map { $0 }  // uniquely owned storage
    let before = theta.withUnsafeBufferPointer { $0.baseAddress }
    for g in Self.gradients { optimizer.step(parameters: &theta, gradient: g) }
    let after = theta.withUnsafeBufferPointer { $0.baseAddress }
    #expect(before == after, "\(prototype.name) replaced the parameter storage")
    #expect(theta != Self.start)
  }

  @Test(arguments: OptimizerKind.allCases)
  func twoOptimizersFromOneConfigurationAreIndependent(_ kind: OptimizerKind) {
    let configuration = OptimizerConfiguration(kind: kind, learningRate: 0.05)
    var first = configuration.make(dimension: Self.dimension, lipschitz: nil)
    var second = configuration.make(dimension: Self.dimension, lipschitz: nil)
    // Run the first for a while, then the second from scratch: the second
    // must match a third that never shared a configuration with anything.
    _ = runFixedGradients(&first, from: Self.start, gradients: Self.gradients)
    let secondRun = runFixedGradients(&second, from: Self.start, gradients: Self.gradients)
    var third = OptimizerConfiguration(kind: kind, learningRate: 0.05)
      .make(dimension: Self.dimension, lipschitz: nil)
    let thirdRun = runFixedGradients(&third, from: Self.start, gradients: Self.gradients)
    #expect(secondRun.iterates == thirdRun.iterates)
  }
}
