import Evaluation
import Foundation
import MetaLearning
import Testing

/// The convergence-rate estimators against sequences whose rates are known
/// in closed form, and against the inputs that break naive estimators.
@Suite struct ConvergenceEstimatorTests {
  static func geometric(_ c: Double, _ rho: Double, count: Int) -> [Double] {
    (0..<count).map { c * pow(rho, Double($0)) }
  }

  static func close(_ a: Double?, _ b: Double, _ tolerance: Double = 1e-12) -> Bool {
    guard let a else { return false }
    return abs(a - b) <= tolerance * max(1, abs(b))
  }

  // MARK: Linear rate μ

  @Test func halvingHasRateOneHalfAndOrderOne() {
    let curve = ErrorCurve(errors: Self.geometric(1, 0.5, count: 41))
    #expect(Self.close(curve.linearRate(in: 0..<41), 0.5))
    #expect(Self.close(curve.linearRate(in: 10..<20), 0.5))
    #expect(Self.close(curve.order(in: 0..<41), 1))
    #expect(curve.stepRatios(in: 0..<41).allSatisfy { Self.close($0, 0.5) })
    #expect(curve.orders(in: 0..<41).count == 39)
  }

  @Test(arguments: [(1.0, 0.5), (100, 0.9), (1e-3, 0.1), (7, 0.99), (2, 0.3), (0.5, 1.5)])
  func geometricSequenceRateIsRho(c: Double, rho: Double) {
    let curve = ErrorCurve(errors: Self.geometric(c, rho, count: 60))
    #expect(Self.close(curve.linearRate(in: 0..<60), rho))
    #expect(Self.close(ConvergenceEstimates(curve: curve).linearRate, rho))
    #expect(Self.close(curve.order(in: 0..<60), 1, 1e-9))
  }

  @Test func geometricMeanTelescopes() {
    let errors: [Double] = [3, 1.2, 1.5, 0.4, 0.41, 0.05, 0.02, 0.021, 0.003]
    let curve = ErrorCurve(errors: errors)
    let telescoped = pow(errors[8] / errors[0], 1.0 / 8)
    #expect(Self.close(curve.linearRate(in: 0..<9), telescoped))
    let inner = pow(errors[6] / errors[2], 1.0 / 4)
    #expect(Self.close(curve.linearRate(in: 2..<7), inner))
  }

  @Test func divergingSequenceHasRateAboveOne() {
    let curve = ErrorCurve(errors: Self.geometric(1e-3, 2, count: 30))
    #expect(Self.close(curve.linearRate(in: 0..<30), 2))
  }

  @Test func scalingTheErrorsChangesNeitherMuNorQ() {
    let errors = [0.9, 0.5, 0.2, 0.06, 0.011, 0.0012, 7e-5]
    let base = ErrorCurve(errors: errors)
    let scaled = ErrorCurve(errors: errors.map { $0 * 1e4 })
    #expect(Self.close(scaled.linearRate(in: 0..<7), base.linearRate(in: 0..<7) ?? .nan, 1e-12))
    #expect(Self.close(scaled.order(in: 0..<7), base.order(in: 0..<7) ?? .nan, 1e-9))
  }

  @Test func sublinearConvergenceHasRateNearOne() {
    let curve = ErrorCurve(errors: (0..<1000).map { 1 / Double($0 + 1) })
    let mu = curve.linearRate(in: 500..<1000) ?? 0
    #expect(mu < 1 && mu > 0.998)
    #expect(Self.close(curve.order(in: 500..<1000), 1, 1e-2))
  }

  // MARK: Order q

  @Test func doublyExponentialSequenceHasOrderTwo() {
    // e_t = 10^(−2^t): 0.1, 1e-2, 1e-4, 1e-8, 1e-16, 1e-32, 1e-64.
    let errors = (0..<7).map { pow(10, -pow(2, Double($0))) }
    let curve = ErrorCurve(errors: errors)
    #expect(Self.close(curve.order(in: 0..<7), 2, 1e-9))
    #expect(curve.orders(in: 0..<7).allSatisfy { Self.close($0, 2, 1e-9) })
    // The proposal's α with λ = 0 is also exactly 2 here: log e_{t+1} = 2 log e_t.
    #expect(Self.close(curve.proposalOrder(in: 0..<7), 2, 1e-9))
  }

  @Test(arguments: [1.5, 3.0])
  func orderPSequenceTendsToP(p: Double) {
    // e_{t+1} = e_t^p from e_0 = 0.5: log e_t = pᵗ log 0.5, so q_t = p exactly.
    var errors = [0.5]
    while let last = errors.last, last > 1e-200, errors.count < 12 { errors.append(pow(last, p)) }
    let curve = ErrorCurve(errors: errors)
    #expect(Self.close(curve.order(in: 0..<errors.count), p, 1e-9))
  }

  @Test func perStepOrderRejectsUnusableInput() {
    #expect(Self.close(ErrorCurve.order(previous: 1, current: 0.5, next: 0.25), 1))
    #expect(ErrorCurve.order(previous: 1, current: 0, next: 0.25) == nil)
    #expect(ErrorCurve.order(previous: -1, current: 0.5, next: 0.25) == nil)
    #expect(ErrorCurve.order(previous: .nan, current: 0.5, next: 0.25) == nil)
    #expect(ErrorCurve.order(previous: 0.5, current: 0.5, next: 0.5) == nil)  // 0/0
    #expect(ErrorCurve.order(previous: 0.5, current: 0.5, next: 0.25) == nil)  // x/0
  }

  @Test func medianIgnoresAMinorityOfOutliers() {
    // Linear at 0.5 with one near-plateau step, which gives q_t far from 1.
    let errors: [Double] = [1, 0.5, 0.25, 0.249_999, 0.125, 0.0625, 0.031_25, 0.015_625]
    let curve = ErrorCurve(errors: errors)
    let values = curve.orders(in: 0..<errors.count)
    #expect(values.contains { abs($0) > 1000 })
    #expect(Self.close(curve.order(in: 0..<errors.count), 1, 1e-4))
  }

  // MARK: The proposal's α

  @Test(arguments: [(1.0, 0.5), (0.1, 0.9), (1e-3, 0.3)])
  func alphaClosedFormOnGeometricSequences(c: Double, rho: Double) {
    let curve = ErrorCurve(errors: Self.geometric(c, rho, count: 30))
    let values = curve.proposalOrders(in: 0..<30)
    // log c = 0 makes α₀ infinite (log e₀ = 0), which is dropped.
    let first = c == 1 ? 1 : 0
    #expect(values.count == 29 - first)
    for (offset, alpha) in values.enumerated() {
      let t = Double(offset + first)
      let expected = (log(c) + (t + 1) * log(rho)) / (log(c) + t * log(rho))
      #expect(Self.close(alpha, expected, 1e-10), "t = \(t)")
    }
    // λ = log ρ is log C for e_{t+1} = ρ e_t, so α is exactly 1.
    #expect(curve.proposalOrders(in: 0..<30, lambda: log(rho)).allSatisfy { Self.close($0, 1, 1e-10) })
  }

  @Test func alphaIsExactWhenLambdaIsLogC() {
    // e_{t+1} = C e_t^p with C = 3, p = 1.5 from e₀ = 0.01.
    var errors = [0.01]
    for _ in 0..<6 { errors.append(3 * pow(errors[errors.count - 1], 1.5)) }
    let curve = ErrorCurve(errors: errors)
    #expect(Self.close(curve.proposalOrder(in: 0..<7, lambda: log(3)), 1.5, 1e-10))
    #expect(!Self.close(curve.proposalOrder(in: 0..<7), 1.5, 1e-3))
    // The three-point order needs no λ: C cancels and every q_t is p.
    #expect(curve.orders(in: 0..<7).allSatisfy { Self.close($0, 1.5, 1e-9) })
  }

  @Test(arguments: [-1.0, 0.5, 2])
  func lambdaShiftsAlphaByLambdaOverLogE(lambda: Double) {
    let errors: [Double] = [0.8, 0.3, 0.05, 0.004, 1e-4]
    let curve = ErrorCurve(errors: errors)
    let shifted = curve.proposalOrders(in: 0..<5, lambda: lambda)
    let plain = curve.proposalOrders(in: 0..<5)
    for t in 0..<4 {
      #expect(Self.close(shifted[t], plain[t] - lambda / log(errors[t]), 1e-12))
    }
  }

  @Test func perStepAlpha() {
    #expect(Self.close(ErrorCurve.proposalOrder(current: 0.1, next: 0.01), 2))
    #expect(Self.close(ErrorCurve.proposalOrder(current: 0.1, next: 0.01, lambda: log(0.1)), 1))
    #expect(ErrorCurve.proposalOrder(current: 1, next: 0.5) == nil)  // log e_t = 0
    #expect(ErrorCurve.proposalOrder(current: 0, next: 0.5) == nil)
    #expect(ErrorCurve.proposalOrder(current: 0.5, next: .infinity) == nil)
  }

  // MARK: Steps to tolerance

  struct ToleranceCase: Sendable, CustomTestStringConvertible {
    let errors: [Double]
    let tolerance: ConvergenceTolerance
    let expected: Int?
    let label: String
    var testDescription: String { label }
  }

  static let toleranceCases: [ToleranceCase] = [
    .init(errors: [1, 0.5, 0.2, 0.05, 0.01], tolerance: .absolute(0.1), expected: 3, label: "absolute"),
    .init(errors: [1, 0.5, 0.2, 0.05, 0.01], tolerance: .absolute(0.2), expected: 2, label: "equal counts"),
    .init(errors: [10, 5, 2, 0.5, 0.1], tolerance: .relative(0.05), expected: 3, label: "relative to e₀"),
    .init(errors: [1, 0.5, 0.2], tolerance: .absolute(0.01), expected: nil, label: "never"),
    .init(errors: [0.001, 0.5], tolerance: .absolute(0.01), expected: 0, label: "already there"),
    .init(errors: [], tolerance: .absolute(0.01), expected: nil, label: "empty"),
    .init(errors: [1, .nan, 0.001], tolerance: .absolute(0.01), expected: 2, label: "NaN skipped"),
    .init(errors: [1, 10, .infinity, .nan], tolerance: .absolute(0.01), expected: nil, label: "diverged"),
    .init(errors: [.nan, 0.001], tolerance: .relative(0.1), expected: nil, label: "NaN e₀, relative"),
    .init(errors: [.infinity, 0.001], tolerance: .relative(0.1), expected: nil, label: "∞ e₀, relative"),
    .init(errors: [1, 0.05, 2, 0.01], tolerance: .absolute(0.1), expected: 1, label: "first passage"),
    .init(errors: [1, 0.3, 0, 0], tolerance: .relative(1e-9), expected: 2, label: "exact zero"),
    .init(errors: [1, 0.3, -1e-9], tolerance: .absolute(1e-12), expected: 2, label: "negative error"),
  ]

  @Test(arguments: toleranceCases)
  func stepsToTolerance(_ testCase: ToleranceCase) {
    #expect(ErrorCurve(errors: testCase.errors).steps(toReach: testCase.tolerance) == testCase.expected)
  }

  // MARK: Zeros, NaN, plateaus, floors

  @Test func zerosAfterConvergenceAreExcluded() {
    let curve = ErrorCurve(errors: [1, 0.5, 0.25, 0.125, 0, 0, 0, 0])
    #expect(curve.lastMeasurableStep == 3)
    #expect(Self.close(curve.linearRate(in: 0..<8), 0.5))
    #expect(Self.close(curve.order(in: 0..<8), 1))
    let estimates = ConvergenceEstimates(curve: curve)
    #expect(estimates.window == 1..<4)
    #expect(Self.close(estimates.linearRate, 0.5))
  }

  @Test func nonFiniteErrorsAreExcluded() {
    let errors: [Double] = [0.8, 0.4, .nan, 0.1, 0.05, .infinity, -.infinity, 0.0125, 0.006_25]
    let curve = ErrorCurve(errors: errors)
    // Pairs (0,1), (3,4), (7,8) remain, each with ratio 1/2.
    #expect(curve.stepRatios(in: 0..<9).count == 3)
    #expect(Self.close(curve.linearRate(in: 0..<9), 0.5))
    #expect(curve.order(in: 0..<9) == nil)  // no three consecutive finite errors
    #expect(curve.proposalOrders(in: 0..<9).count == 3)
  }

  @Test func plateauGivesRateOneAndNoOrder() {
    let curve = ErrorCurve(errors: Array(repeating: 0.3, count: 20))
    #expect(Self.close(curve.linearRate(in: 0..<20), 1))
    #expect(curve.order(in: 0..<20) == nil)  // every q_t is 0/0
    #expect(Self.close(curve.proposalOrder(in: 0..<20), 1))  // log e / log e
    #expect(curve.steps(toReach: .relative(0.5)) == nil)
  }

  @Test func floorStopsTheWindowAtConvergence() {
    // Halving for 20 steps, then float-like noise around 1e-7.
    var errors = Self.geometric(1, 0.5, count: 20)
    errors.append(contentsOf: (0..<30).map { $0 % 2 == 0 ? 1.3e-7 : 0.7e-7 })
    let noisy = ConvergenceEstimates(curve: ErrorCurve(errors: errors))
    let floored = ConvergenceEstimates(curve: ErrorCurve(errors: errors, floor: 2e-7))
    #expect(floored.window == 9..<20)
    #expect(Self.close(floored.linearRate, 0.5))
    #expect(Self.close(floored.order, 1, 1e-9))
    // Without the floor the last half is mostly noise and μ is far from ½.
    #expect(noisy.window == 24..<50)
    #expect((noisy.linearRate ?? 0) > 0.9)
  }

  @Test(arguments: [[], [0.5], [0, 0, 0], [Double.nan, .nan], [-1, -2]])
  func degenerateCurvesGiveNoEstimates(errors: [Double]) {
    let estimates = ConvergenceEstimates(curve: ErrorCurve(errors: errors), window: .all)
    #expect(estimates.linearRate == nil)
    #expect(estimates.order == nil)
    #expect(estimates.proposalOrder == nil)
  }

  // MARK: Windows and the bundle

  @Test func bundleOnTheHalvingSequence() {
    let curve = ErrorCurve(errors: Self.geometric(1, 0.5, count: 41))
    let estimates = ConvergenceEstimates(curve: curve)
    #expect(estimates.window == 20..<41)
    #expect(Self.close(estimates.linearRate, 0.5))
    #expect(Self.close(estimates.order, 1, 1e-9))
    // α_t = (t+1)/t for e_t = 2⁻ᵗ and λ = 0; the window has t = 20…39, whose
    // median is the mean of t = 29 and t = 30.
    #expect(Self.close(estimates.proposalOrder, (30.0 / 29 + 31.0 / 30) / 2, 1e-12))
    #expect(estimates.lambda == 0)
    // 2⁻⁷ = 0.0078 is the first error at or below 1e-2·e₀.
    #expect(estimates.tolerance == .relative(1e-2))
    #expect(estimates.stepsToTolerance == 7)
  }

  @Test func explicitWindowsAreClamped() {
    let curve = ErrorCurve(errors: Self.geometric(1, 0.5, count: 10))
    #expect(ConvergenceWindow.steps(5..<100).resolve(on: curve) == 5..<10)
    #expect(ConvergenceWindow.steps(50..<60).resolve(on: curve) == nil)
    #expect(ConvergenceWindow.all.resolve(on: curve) == 0..<10)
    #expect(curve.linearRate(in: -5..<3) == curve.linearRate(in: 0..<3))
    let estimates = ConvergenceEstimates(curve: curve, window: .steps(50..<60))
    #expect(estimates.window == nil && estimates.linearRate == nil)
    #expect(estimates.stepsToTolerance == 7)
  }

  @Test func lambdaAndToleranceAreRecorded() {
    let curve = ErrorCurve(errors: Self.geometric(0.1, 0.5, count: 20))
    let estimates = ConvergenceEstimates(curve: curve, tolerance: .absolute(1e-3), lambda: log(0.5))
    #expect(estimates.lambda == log(0.5))
    #expect(Self.close(estimates.proposalOrder, 1, 1e-10))
    #expect(estimates.stepsToTolerance == 7)  // 0.1·2⁻⁷ = 7.8e-4
  }

  @Test func curveFromFloatLosses() {
    let curve = ErrorCurve(losses: [2.5, 1.5, 1.25], optimum: 1)
    #expect(curve.errors == [1.5, 0.5, 0.25])
    #expect(ErrorCurve.float32Resolution(near: 0) == 0)
    #expect(Self.close(ErrorCurve.float32Resolution(near: -2, ulps: 1), 2 * Double(Float.ulpOfOne)))
  }

  @Test func estimatesRoundTripThroughJSON() throws {
    let curves = [ErrorCurve(errors: Self.geometric(1, 0.5, count: 12)), ErrorCurve(errors: [])]
    for curve in curves {
      let estimates = ConvergenceEstimates(curve: curve, tolerance: .absolute(0.01), lambda: 0.5)
      let data = try JSONEncoder().encode(estimates)
      #expect(try JSONDecoder().decode(ConvergenceEstimates.self, from: data) == estimates)
    }
  }
}
