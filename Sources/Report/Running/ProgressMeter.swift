import Foundation

/// The study's progress with an ETA, on standard error.
///
/// Work is counted in estimated units (``WorkEstimate``) rather than tasks,
/// since one 10,000-step MNIST race outweighs dozens of quadratic ones;
/// the ETA is elapsed × remaining / done over those units. On a terminal
/// the line rewrites itself; elsewhere (logs, CI) a line is printed at most
/// every few seconds and at every task change.
///
/// A reference type: the runner and the tasks it calls share one meter.
public final class ProgressMeter {
  private let write: (String) -> Void
  private let isTerminal: Bool
  private let start: Date
  private var total: Double = 0
  private var finished: Double = 0
  private var task = ""
  private var taskWork: Double = 0
  private var taskFraction: Double = 0
  private var lastWrite = Date.distantPast
  private var taskIndex = 0
  private var taskCount = 0

  /// A meter writing through `write` (nil: silent); `isTerminal` chooses
  /// rewriting one line over appending lines.
  public init(write: ((String) -> Void)?, isTerminal: Bool = false, now: Date = Date()) {
    self.write = write ?? { _ in }
    self.isTerminal = write != nil && isTerminal
    start = now
  }

  /// A meter on standard error (silent when `quiet`).
  public static func standardError(quiet: Bool) -> ProgressMeter {
    ProgressMeter(
      write: quiet ? nil : { FileHandle.standardError.write(Data($0.utf8)) },
      isTerminal: isatty(STDERR_FILENO) != 0)
  }

  /// Sets the total work of the plan and the number of tasks in it.
  public func plan(totalWork: Double, tasks: Int) {
    total = max(totalWork, 1)
    taskCount = tasks
  }

  /// Starts a task of estimated `work` units.
  public func begin(_ label: String, work: Double) {
    task = label
    taskWork = work
    taskFraction = 0
    taskIndex += 1
    emit(force: true)
  }

  /// The running task is `fraction` (0…1) done.
  public func update(fraction: Double) {
    taskFraction = min(max(fraction, 0), 1)
    emit(force: false)
  }

  /// Ends the running task.
  public func end() {
    finished += taskWork
    taskWork = 0
    taskFraction = 0
  }

  /// A message on its own line (a skipped section, a trained session).
  public func note(_ message: String) {
    write((isTerminal ? "\r\u{1B}[K" : "") + message + "\n")
    lastWrite = .distantPast
  }

  /// Ends the progress line with the total time.
  public func finish() {
    let elapsed = Date().timeIntervalSince(start)
    write((isTerminal ? "\r\u{1B}[K" : "") + "report done in \(Self.format(seconds: elapsed))\n")
  }

  /// The fraction of the plan's work done.
  public var fractionDone: Double { min((finished + taskWork * taskFraction) / max(total, 1), 1) }

  /// Seconds left at the current pace; nil until 1% of the work or 30
  /// seconds have passed, since the first tasks' pace says little.
  public func estimatedSecondsLeft(now: Date = Date()) -> Double? {
    let fraction = fractionDone
    guard fraction > 0, fraction >= 0.01 || now.timeIntervalSince(start) >= 30 else { return nil }
    return now.timeIntervalSince(start) * (1 - fraction) / fraction
  }

  private func emit(force: Bool) {
    let now = Date()
    let interval = isTerminal ? 0.2 : 5
    guard force || now.timeIntervalSince(lastWrite) >= interval else { return }
    lastWrite = now
    let percent = String(format: "%3.0f%%", 100 * fractionDone)
    let eta = estimatedSecondsLeft(now: now).map(Self.format(seconds:)) ?? "--"
    let line =
      "report \(percent) [\(taskIndex)/\(taskCount)] \(task) \(String(format: "%3.0f%%", 100 * taskFraction))"
      + " · elapsed \(Self.format(seconds: now.timeIntervalSince(start))) · ETA \(eta)"
    write(isTerminal ? "\r" + line + "\u{1B}[K" : line + "\n")
  }

  /// 12.3s, 4m05s, 2h07m.
  public static func format(seconds: Double) -> String {
    guard seconds.isFinite, seconds >= 0 else { return "--" }
    if seconds < 60 { return String(format: "%.1fs", seconds) }
    let minutes = Int(seconds) / 60
    if minutes < 60 { return "\(minutes)m\(String(format: "%02d", Int(seconds) % 60))s" }
    return "\(minutes / 60)h\(String(format: "%02d", minutes % 60))m"
  }
}
