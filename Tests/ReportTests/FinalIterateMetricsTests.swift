import Foundation
import Testing

@testable import Report

@Suite struct FinalIterateMetricsTests {
  @Test func supportRecoveryCountsHitsMissesAndFalseAlarms() {
    // Truth: {0, 2, 4}; estimate: {0, 2, 3} (3 a false alarm, 4 missed).
    let truth: [Float] = [1, 0, -2, 0, 0.5, 0]
    let estimate: [Float] = [0.9, 1e-9, -1.5, 0.2, 0, 0]
    let recovery = FinalIterateMetrics.support(estimate: estimate, truth: truth)
    #expect(abs(recovery.precision - 2.0 / 3) < 1e-12)
    #expect(abs(recovery.recall - 2.0 / 3) < 1e-12)
    #expect(abs(recovery.f1 - 2.0 / 3) < 1e-12)
    let empty = FinalIterateMetrics.support(estimate: [0, 0, 0, 0, 0, 0], truth: truth)
    #expect(empty.precision == 0 && empty.recall == 0 && empty.f1 == 0)
    let exact = FinalIterateMetrics.support(estimate: truth, truth: truth)
    #expect(exact.precision == 1 && exact.recall == 1 && exact.f1 == 1)
  }

  @Test func nmseIsTheErrorEnergyRatioInDecibels() {
    let truth: [Float] = [3, 4]  // ‖x*‖² = 25
    #expect(abs(FinalIterateMetrics.nmseDecibels(estimate: [3, 4.5], truth: truth) - 10 * log10(0.25 / 25)) < 1e-9)
    #expect(abs(FinalIterateMetrics.nmseDecibels(estimate: [0, 0], truth: truth)) < 1e-9, "x̂ = 0 is 0 dB")
    #expect(FinalIterateMetrics.nmseDecibels(estimate: [1, 1], truth: [0, 0]).isNaN)
    #expect(FinalIterateMetrics.nmseDecibels(estimate: [.nan, 1], truth: truth).isNaN)
  }

  @Test func relativeErrorNeedsAPositiveOptimum() {
    #expect(FinalIterateMetrics.relativeError(value: 1.5, optimum: 1) == 0.5)
    #expect(FinalIterateMetrics.relativeError(value: 1, optimum: 0).isNaN)
  }
}
