import Engine
import Foundation

/// A test double for the engine: returns whatever snapshot the test
/// publishes and records every command the dashboard sends.
///
/// `@unchecked Sendable`: both fields are only touched under `lock`.
final class FakeEngine: EngineHandle, @unchecked Sendable {
  private let lock = NSLock()
  private var snapshot: Snapshot
  private var sent: [EngineCommand] = []

  init(_ snapshot: Snapshot = Snapshot()) {
    self.snapshot = snapshot
  }

  func latestSnapshot() -> Snapshot {
    lock.lock()
    defer { lock.unlock() }
    return snapshot
  }

  func send(_ command: EngineCommand) {
    lock.lock()
    defer { lock.unlock() }
    sent.append(command)
  }

  /// Replaces the snapshot the dashboard will read next.
  func publish(_ new: Snapshot) {
    lock.lock()
    defer { lock.unlock() }
    snapshot = new
  }

  /// Every command sent so far, oldest first.
  var commands: [EngineCommand] {
    lock.lock()
    defer { lock.unlock() }
    return sent
  }

  /// Forgets the commands sent so far (e.g. the start-up display settings).
  func clearCommands() {
    lock.lock()
    defer { lock.unlock() }
    sent.removeAll()
  }
}
