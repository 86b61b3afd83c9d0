@testable import Evaluation
import Foundation
@testable import MetaLearning
import Optimizers
import Testing

@Suite struct MetaObjectiveTests {
  static let batch = 3
  static let losses: [Double] = [2.0, 0.5, 1.2, 1.5, 0.3, 0.9]  // K = 2 steps × B = 3
  static let optima: [Double] = [0.1, 0.0, 0.2]
  static let initialErrors: [Double] = [4.0, 1.0, 3.0]

  static func value(_ objective: MetaObjective, _ losses: [Double], firstStep: Int) -> (Double, [Double]) {
    var gradient = [Double](repeating: 0, count: losses.count)
    let value = losses.withUnsafeBufferPointer { l in
      gradient.withUnsafeMutableBufferPointer { g in
        objective.evaluate(
          losses: l, batch: batch, optima: optima, initialErrors: initialErrors, firstStep: firstStep, gradient: g)
      }
    }
    return (value, gradient)
  }

  @Test(arguments: MetaObjective.allCases, [1, 5])
  func gradientMatchesFiniteDifferences(objective: MetaObjective, firstStep: Int) {
    let (_, gradient) = Self.value(objective, Self.losses, firstStep: firstStep)
    for i in Self.losses.indices {
      var plus = Self.losses, minus = Self.losses
      let h = 1e-6
      plus[i] += h
      minus[i] -= h
      let numeric = (Self.value(objective, plus, firstStep: firstStep).0 - Self.value(objective, minus, firstStep: firstStep).0) / (2 * h)
      #expect(abs(numeric - gradient[i]) < 1e-6 * max(1, abs(numeric)), "\(objective) element \(i)")
    }
  }

  @Test func closedForms() {
    // loss-sum: (1/B) Σ f.
    #expect(abs(Self.value(.lossSum, Self.losses, firstStep: 1).0 - Self.losses.reduce(0, +) / 3) < 1e-12)
    // log-loss of a problem exactly at e₀ is 0; the rate objective divides step t's term by t.
    let atStart: [Double] = [4.1, 1.0, 3.2, 4.1, 1.0, 3.2]
    #expect(abs(Self.value(.logLoss, atStart, firstStep: 1).0) < 1e-12)
    let logLoss = Self.value(.logLoss, Self.losses, firstStep: 1).0
    let rate = Self.value(.rate, Self.losses, firstStep: 1).0
    var expected = 0.0
    for t in 0..<2 {
      for b in 0..<3 {
        let e = Self.losses[t * 3 + b] - Self.optima[b]
        let eps = 1e-8 * Self.initialErrors[b]
        let ratio: Double = (e + eps) / (Self.initialErrors[b] + eps)
        let term: Double = log(ratio) / Double(t + 1)
        expected += term / 3
      }
    }
    #expect(abs(rate - expected) < 1e-12)
    #expect(rate != logLoss)
  }

  @Test func belowOptimumStaysFiniteWithZeroGradient() {
    var losses = Self.losses
    losses[1] = -0.5  // below r = 0: clamped error, floor keeps the log finite
    for objective in [MetaObjective.logLoss, .rate] {
      let (value, gradient) = Self.value(objective, losses, firstStep: 1)
      #expect(value.isFinite)
      #expect(gradient[1] == 0)
    }
  }
}
