@testable import Evaluation
import Optimizers
import Testing

@Suite struct PairedComparisonTests {
  static func trace(_ name: String, learned: Bool, finals: [Double]) -> RacerTrace {
    var trace = RacerTrace(name: name, learningRate: learned ? nil : 0.1)
    trace.meanLoss = [10, finals.reduce(0, +) / Double(finals.count)]
    trace.finalLosses = finals
    return trace
  }

  /// A learned racer lower than the baseline on every instance by exactly
  /// 0.1: the mean difference is −0.1 with a degenerate interval, every
  /// instance counts, and the ratio is that of the means.
  @Test func constantDifferenceIsSeparated() throws {
    let base = (0..<40).map { 1 + Double($0) }
    let comparison = try #require(
      PairedComparison(
        racer: Self.trace("lstm", learned: true, finals: base.map { $0 - 0.1 }),
        reference: Self.trace("adam", learned: false, finals: base)))
    #expect(abs(comparison.difference.mean + 0.1) < 1e-12)
    #expect(abs(comparison.difference.upper + 0.1) < 1e-9 && abs(comparison.difference.lower + 0.1) < 1e-9)
    #expect(comparison.isSeparated && comparison.verdict == "lower")
    #expect(comparison.lower == 40 && comparison.instances == 40)
    let meanBase = base.reduce(0, +) / 40
    #expect(abs(comparison.ratio - (meanBase - 0.1) / meanBase) < 1e-12)
  }

  /// Differences of both signs around zero: the interval holds 0, the
  /// comparison claims nothing, and the table says so.
  @Test func symmetricDifferencesAreLevel() throws {
    let base = [Double](repeating: 1, count: 50)
    let other = (0..<50).map { 1 + ($0 % 2 == 0 ? 0.3 : -0.3) }
    let comparison = try #require(
      PairedComparison(
        racer: Self.trace("dnc", learned: true, finals: other),
        reference: Self.trace("momentum", learned: false, finals: base)))
    #expect(!comparison.isSeparated)
    #expect(comparison.lower == 25)
    #expect(comparison.verdict == "level (interval holds 0)")
  }

  /// The reference is the hand-designed racer with the lowest finite mean
  /// final loss; learned racers are never references; a diverged baseline
  /// is skipped; mismatched instance counts give nothing.
  @Test func referenceIsTheBestFiniteBaseline() throws {
    let result = RaceResult(
      problemKey: "test", configuration: RaceConfiguration(steps: 1, instances: 3), meanOptimum: 0,
      traces: [
        Self.trace("sgd", learned: false, finals: [3, 3, 3]),
        Self.trace("adam", learned: false, finals: [2, 2, 2]),
        Self.trace("diverged", learned: false, finals: [.nan, .nan, .nan]),
        Self.trace("lstm", learned: true, finals: [1, 1, 1]),
        Self.trace("dnc", learned: true, finals: [0.5, 0.5, 0.5]),
      ])
    let comparisons = PairedComparison.learnedAgainstBestBaseline(in: result)
    #expect(comparisons.map(\.racer) == ["lstm", "dnc"])
    #expect(comparisons.allSatisfy { $0.reference == "adam" })
    #expect(
      PairedComparison(
        racer: Self.trace("a", learned: true, finals: [1, 2]), reference: Self.trace("b", learned: false, finals: [1]))
        == nil)
  }

  /// Learned against learned: every other learned racer paired with the
  /// named one, baselines left out; an unknown name pairs nothing.
  @Test func learnedRacersPairWithANamedReference() throws {
    let result = RaceResult(
      problemKey: "test", configuration: RaceConfiguration(steps: 1, instances: 3), meanOptimum: 0,
      traces: [
        Self.trace("adam", learned: false, finals: [2, 2, 2]),
        Self.trace("lstm-a", learned: true, finals: [1, 1, 1]),
        Self.trace("dnc-b", learned: true, finals: [0.5, 0.75, 1.5]),
        Self.trace("dnc-c", learned: true, finals: [2, 3, 4]),
      ])
    let comparisons = PairedComparison.learned(against: "lstm-a", in: result)
    #expect(comparisons.map(\.racer) == ["dnc-b", "dnc-c"])
    #expect(comparisons.allSatisfy { $0.reference == "lstm-a" })
    #expect(comparisons[0].lower == 2 && abs(comparisons[0].difference.mean - (-0.25 / 3)) < 1e-12)
    #expect(comparisons[1].verdict == "higher")
    #expect(PairedComparison.learned(against: "missing", in: result).isEmpty)
  }

  /// A race records every instance's final loss; their mean is the trace's
  /// final mean loss, and a diverged racer's are NaN.
  @Test func raceRecordsFinalLossesPerInstance() throws {
    var run = RaceRun(
      problemClass: SeparableQuadratics(),
      racers: [
        .init(OptimizerConfiguration(kind: .sgd, learningRate: 5), name: "too-fast"),
        .init(OptimizerConfiguration(kind: .sgd, learningRate: 0.1), name: "fine"),
      ],
      configuration: RaceConfiguration(steps: 40, instances: 5))
    let result = run.run()
    let fine = try #require(result.traces[1].finalLosses)
    #expect(fine.count == 5)
    #expect(abs(fine.reduce(0, +) / 5 - result.traces[1].finalMeanLoss) < 1e-12 * max(1, fine[0]))
    let fast = try #require(result.traces[0].finalLosses)
    #expect(fast.count == 5 && fast.allSatisfy(\.isNaN))
  }
}
