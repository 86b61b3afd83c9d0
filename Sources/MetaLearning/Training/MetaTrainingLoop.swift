import Foundation
import Sessions

/// The meta-training loop every learned optimizer shares — `mnemo train`
/// (LSTM, DNC, LISTA) and the sessions `mnemo report` trains — so that their
/// sessions keep the same training history.
///
/// Each iteration takes one meta-step; a step whose update was skipped (a
/// non-finite meta-gradient) leaves the running meta-loss alone. The running
/// meta-loss is an exponential moving average, m ← 0.95·m + 0.05·ℓ, started
/// at the first finite ℓ: single unrolls are noisy, the average is what a
/// curve can show. Every `validateEvery` meta-iterations (counted by the
/// trainer's own iteration, so a resumed session keeps its cadence) and after
/// the last one, the trainer validates and the history gains a row
/// ``historyHeader``: iteration, running meta-loss, validation loss, seconds
/// since the loop started.
///
/// The loop knows nothing of a trainer's type: it calls `step` and
/// `validate`, and hands each iteration's ``Progress`` to a callback (where
/// the CLI draws its progress bar and autosaves).
public struct MetaTrainingLoop: Sendable {
  /// The columns of a session's `training.csv`.
  public static let historyHeader = ["iteration", "meta_loss", "validation_loss", "seconds"]

  /// What a meta-step reports to the loop.
  public struct Step: Sendable, Equatable {
    /// The trainer's meta-iteration count after the step.
    public var iteration: Int
    /// The step's meta-loss (ignored when `skipped`).
    public var loss: Double
    /// Whether the trainer skipped the update (non-finite meta-gradient).
    public var skipped: Bool

    public init(iteration: Int, loss: Double, skipped: Bool) {
      self.iteration = iteration
      self.loss = loss
      self.skipped = skipped
    }

    /// An LSTM or DNC meta-step.
    public init(_ report: MetaTrainer.Report) {
      self.init(iteration: report.iteration, loss: report.metaLoss, skipped: report.skipped)
    }

    /// A LISTA step.
    public init(_ report: LISTATrainer.Report) {
      self.init(iteration: report.iteration, loss: report.loss, skipped: report.skipped)
    }
  }

  /// The loop's state after an iteration, for progress and autosave.
  public struct Progress: Sendable {
    /// Iterations done by this loop so far (1-based).
    public var done: Int
    /// Iterations this loop runs at most.
    public var iterations: Int
    /// The trainer's meta-iteration count.
    public var iteration: Int
    /// The running meta-loss (NaN until a step was not skipped).
    public var smoothedLoss: Double
    /// The history so far (what an autosave writes).
    public var history: CSVTable
  }

  /// Meta-iterations to run.
  public var iterations: Int
  /// Validation period in meta-iterations (at least 1).
  public var validateEvery: Int
  /// The training history: a resumed session's, or an empty one with
  /// ``historyHeader``.
  public private(set) var history: CSVTable
  /// The running meta-loss.
  public private(set) var smoothedLoss = Double.nan
  /// Iterations actually run (fewer than `iterations` when interrupted).
  public private(set) var completed = 0
  /// When the first step was recorded (the origin of the seconds column).
  private var started: Date?

  public init(iterations: Int, validateEvery: Int, history: CSVTable = CSVTable(header: MetaTrainingLoop.historyHeader)) {
    self.iterations = iterations
    self.validateEvery = max(validateEvery, 1)
    self.history = history
  }

  /// Records one meta-step that has already been taken (``run`` takes
  /// them; the engine and the distributed trainer, which step on their own
  /// schedule, call this directly): updates the running meta-loss and, when
  /// the trainer's iteration is a multiple of `validateEvery` or `isLast`,
  /// validates and appends a history row. `now` stamps the row (seconds
  /// since the loop's first recorded step).
  public mutating func record(
    _ report: Step, validate: () -> Double, isLast: Bool = false, now: Date = Date()
  ) -> Progress {
    let start = started ?? now
    started = start
    if !report.skipped {
      smoothedLoss = smoothedLoss.isNaN ? report.loss : 0.95 * smoothedLoss + 0.05 * report.loss
    }
    if report.iteration % validateEvery == 0 || isLast {
      let validation = validate()
      history.rows.append([
        String(report.iteration), String(format: "%.6g", smoothedLoss), String(format: "%.6g", validation),
        String(format: "%.1f", now.timeIntervalSince(start)),
      ])
    }
    completed += 1
    return Progress(
      done: completed, iterations: iterations, iteration: report.iteration, smoothedLoss: smoothedLoss,
      history: history)
  }

  /// Runs the loop: before each iteration `isInterrupted` may stop it;
  /// `progress` gets every iteration's state and may throw (a failed
  /// autosave), which ends the loop. (`progress` has no default: a
  /// defaulted closure would make every call of this `rethrows` method
  /// count as throwing.)
  public mutating func run(
    step: () -> Step, validate: () -> Double, isInterrupted: () -> Bool = { false },
    progress: (Progress) throws -> Void
  ) rethrows {
    for done in 0..<iterations {
      if isInterrupted() { break }
      try progress(record(step(), validate: validate, isLast: done == iterations - 1))
    }
  }
}
