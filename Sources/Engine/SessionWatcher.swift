import Evaluation
import Foundation
import MetaLearning
import Sessions
import Synchronization

/// An ``EngineHandle`` that watches a session folder instead of training:
/// `mnemo watch SESSION` puts the dashboard on it, to follow a run that
/// another process writes (a local `mnemo train`, or rank 0 of an MPI job
/// on a shared filesystem).
///
/// A thread polls the folder every `interval` seconds and publishes a new
/// snapshot when the files change (``SessionSnapshotReader``). It is
/// read-only: ``EngineCommand/quit`` stops the thread; pause, save,
/// switching problem and restarting the race only add a message saying so;
/// display settings are not written back.
public final class SessionWatcher: EngineHandle {
  private let snapshot: Mutex<Snapshot>
  private let commands = Mutex<[EngineCommand]>([])
  private let stopped = Atomic<Bool>(false)

  /// Starts watching `session` in `store` (the session may not exist yet).
  public init(store: SessionStore, session: String, mnistDirectory: String? = nil, interval: Double = 0.5) {
    var reader = SessionSnapshotReader(store: store, session: session, mnistDirectory: mnistDirectory)
    _ = reader.poll()
    snapshot = Mutex(reader.snapshot)
    let first = reader
    let thread = Thread { [self] in
      watch(reader: first, interval: interval)
      stopped.store(true, ordering: .releasing)
    }
    thread.name = "mnemo-watch"
    thread.start()
  }

  public func latestSnapshot() -> Snapshot {
    snapshot.withLock { $0 }
  }

  public func send(_ command: EngineCommand) {
    commands.withLock { $0.append(command) }
  }

  /// Whether the polling thread has ended (after ``EngineCommand/quit``).
  public var hasStopped: Bool { stopped.load(ordering: .acquiring) }

  /// Waits (polling) until the thread has ended or `timeout` passes.
  public func waitUntilStopped(timeout: TimeInterval) -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while !hasStopped && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
    return hasStopped
  }

  private func watch(reader initial: SessionSnapshotReader, interval: Double) {
    var reader = initial
    while true {
      var changed = false
      for command in commands.withLock({ queue in
        defer { queue.removeAll() }
        return queue
      }) {
        switch command {
        case .quit: return
        case .setDisplay: continue
        case .pause, .resume, .save, .restartRace, .switchProblem:
          changed =
            reader.note("watch mode is read-only: the training process pauses, saves and races") || changed
        }
      }
      changed = reader.poll() || changed
      if changed {
        let latest = reader.snapshot
        snapshot.withLock { $0 = latest }
      }
      Thread.sleep(forTimeInterval: interval)
    }
  }
}
