import Foundation
import Synchronization

/// The engine behind the dashboard: on its own thread it meta-trains the
/// learned optimizer on the selected problem class and, every few seconds,
/// re-races it against the tuned baselines on a fixed set of held-out
/// instances, publishing an immutable ``Snapshot`` after each unit of work.
///
/// The UI thread only calls ``latestSnapshot()`` and ``send(_:)``; both take
/// a lock for the time of a copy, so neither side ever waits for the
/// other's work. All the engine's state and decisions live in an
/// ``EngineCore`` on the engine thread; this class is only its loop:
/// commands are handed over between units of work, the baselines' race is
/// paced at `stepsPerSecond`, and an idle core is polled every 30 ms.
public final class LiveEngine: EngineHandle {
  private let channel: EngineChannel

  /// Starts the engine thread; the first snapshot says `starting`.
  public init(configuration: EngineConfiguration) {
    let channel = EngineChannel()
    self.channel = channel
    let thread = Thread {
      var core = EngineCore(configuration: configuration, onPublish: { snapshot in
        channel.snapshot.withLock { $0 = snapshot }
      })
      Self.run(&core, channel: channel)
      channel.stopped.store(true, ordering: .releasing)
    }
    thread.name = "mnemo-engine"
    thread.stackSize = 8 << 20
    thread.start()
  }

  /// The engine thread's loop.
  private static func run(_ core: inout EngineCore, channel: EngineChannel) {
    core.start()
    let pace = core.configuration.stepsPerSecond
    while !core.hasQuit {
      for command in channel.drain() { core.handle(command) }
      if core.hasQuit { break }
      let started = Date()
      switch core.tick() {
      case .racedBaselines where pace > 0:
        let wait = 1 / pace - Date().timeIntervalSince(started)
        if wait > 0 { Thread.sleep(forTimeInterval: wait) }
      case .idle:
        Thread.sleep(forTimeInterval: 0.03)
      case .racedBaselines, .trained:
        break
      }
    }
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
