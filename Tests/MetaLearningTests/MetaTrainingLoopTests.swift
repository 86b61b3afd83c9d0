import Testing

@testable import Evaluation
@testable import MetaLearning
@testable import Sessions

/// The shared meta-training loop, driven by scripted steps: validation
/// cadence, the running meta-loss, skipped steps, interruption and a failing
/// autosave.
@Suite struct MetaTrainingLoopTests {
  /// Runs `iterations` scripted steps from trainer iteration `first`, the
  /// i-th with loss `losses[i % losses.count]` (NaN: skipped); returns the
  /// loop and the iterations at which it validated.
  static func run(
    first: Int, iterations: Int, validateEvery: Int, losses: [Double] = [1], stopAfter: Int = .max
  ) -> (loop: MetaTrainingLoop, validatedAt: [Int]) {
    var loop = MetaTrainingLoop(iterations: iterations, validateEvery: validateEvery)
    var iteration = first
    var taken = 0
    var validatedAt: [Int] = []
    loop.run(
      step: {
        let loss = losses[taken % losses.count]
        taken += 1
        iteration += 1
        return MetaTrainingLoop.Step(iteration: iteration, loss: loss, skipped: loss.isNaN)
      },
      validate: {
        validatedAt.append(iteration)
        return Double(iteration) / 100
      },
      isInterrupted: { taken >= stopAfter }, progress: { _ in })
    return (loop, validatedAt)
  }

  /// Validation every N trainer iterations (a resumed trainer keeps its
  /// cadence) and after the last one, never twice.
  @Test(arguments: [
    (0, 25, 10, [10, 20, 25]),
    (7, 10, 10, [10, 17]),
    (0, 20, 10, [10, 20]),
    (3, 1, 50, [4]),
    (0, 0, 10, []),
  ])
  func validationCadence(first: Int, iterations: Int, validateEvery: Int, expected: [Int]) {
    let (loop, validatedAt) = Self.run(first: first, iterations: iterations, validateEvery: validateEvery)
    #expect(validatedAt == expected)
    #expect(loop.history.header == MetaTrainingLoop.historyHeader)
    #expect(loop.history.rows.map { $0[0] } == expected.map(String.init))
    #expect(loop.history.rows.map { $0[2] } == expected.map { String(format: "%.6g", Double($0) / 100) })
    #expect(loop.completed == iterations)
  }

  /// m ← 0.95·m + 0.05·ℓ from the first finite loss; skipped steps leave m.
  @Test func runningMetaLossSkipsSkippedSteps() {
    let (loop, _) = Self.run(first: 0, iterations: 4, validateEvery: 1, losses: [.nan, 4, .nan, 2])
    #expect(loop.history.rows.map { $0[1] } == ["nan", "4", "4", String(format: "%.6g", 0.95 * 4 + 0.05 * 2)])
  }

  @Test func interruptionStopsBeforeTheNextStep() {
    let (loop, validatedAt) = Self.run(first: 0, iterations: 30, validateEvery: 10, stopAfter: 12)
    #expect(loop.completed == 12)
    #expect(validatedAt == [10])
  }

  @Test func aFailingProgressCallbackEndsTheLoop() {
    struct AutosaveFailed: Error {}
    var loop = MetaTrainingLoop(iterations: 10, validateEvery: 5)
    var steps = 0
    #expect(throws: AutosaveFailed.self) {
      try loop.run(
        step: {
          steps += 1
          return MetaTrainingLoop.Step(iteration: steps, loss: 1, skipped: false)
        },
        validate: { 0 },
        progress: { state in if state.done == 3 { throw AutosaveFailed() } })
    }
    #expect(steps == 3)
  }
}
