import Foundation
import Synchronization

/// The engine behind the dashboard: on its own thread it meta-trains the
/// learned optimizer on the selected problem class and, every few seconds,
/// re-races it against the tuned baselines on a fixed set of held-out
/// instances, publishing an immutable ``Snapshot`` after each unit of work.
///
/// The UI thread only calls ``latestSnapshot()`` and ``send(_:)``; both take
/// a lock for the time of a copy, so neither side ever waits for the
/// other's work. Everything mutable lives on the engine thread
/// (``EngineWorker``).
public final class LiveEngine: EngineHandle {
  private let channel: EngineChannel

  /// Starts the engine thread; the first snapshot says `starting`.
  public init(configuration: EngineConfiguration) {
    let channel = EngineChannel()
    self.channel = channel
    let thread = Thread {
      var worker = EngineWorker(configuration: configuration, channel: channel)
      worker.run()
      channel.stopped.store(true, ordering: .releasing)
    }
    thread.name = "mnemo-engine"
    thread.stackSize = 8 << 20
    thread.start()
  }

  public func latestSnapshot() -> Snapshot {
    channel.snapshot.withLock { $0 }
  }

  public func send(_ command: EngineCommand) {
    channel.commands.withLock { $0.append(command) }
  }

  /// Whether the engine thread has ended (after ``EngineCommand/quit``,
  /// which saves first).
  public var hasStopped: Bool { channel.stopped.load(ordering: .acquiring) }

  /// Waits (polling) until the engine thread has ended or `timeout` passes.
  public func waitUntilStopped(timeout: TimeInterval) -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while !hasStopped && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
    return hasStopped
  }
}

/// What the engine thread and the UI thread share.
final class EngineChannel: Sendable {
  let snapshot = Mutex(Snapshot(training: TrainingStatus()))
  let commands = Mutex<[EngineCommand]>([])
  let stopped = Atomic<Bool>(false)

  /// Takes every queued command.
  func drain() -> [EngineCommand] {
    commands.withLock { queue in
      defer { queue.removeAll() }
      return queue
    }
  }
}
