/// What the UI asks of the engine. Commands are queued and taken by the
/// engine between units of work, so none interrupts a meta-iteration half
/// way.
public enum EngineCommand: Sendable, Equatable {
  /// Meta-train and race another problem class (a catalog name).
  case switchProblem(String)
  /// Stop all work until resumed.
  case pause
  case resume
  /// Race again on fresh held-out instances (a new evaluation seed).
  case restartRace
  /// Save the session now (the engine also saves periodically and on quit).
  case save
  /// Remember a display setting in the session (`theme`, `logX`, …).
  case setDisplay(key: String, value: String)
  /// Save and stop; the engine thread ends.
  case quit
}

/// The UI's view of the engine: the latest snapshot and a way to send
/// commands. The real engine and the test doubles implement it.
public protocol EngineHandle: Sendable {
  /// The most recent snapshot (never blocks on the engine's work).
  func latestSnapshot() -> Snapshot
  /// Queues a command.
  func send(_ command: EngineCommand)
}
