import Engine
import Foundation

/// An engine for `mnemo dashboard --demo`: real races of the hand-designed
/// optimizers, with no learned optimizer and no meta-training.
///
/// It exists so the dashboard (and its end-to-end test, and screenshots)
/// can be seen working without a trained optimizer and without waiting for
/// meta-training. Nothing is synthetic: every curve is a ``MetaLearning/RaceRun``
/// of the baselines on held-out instances of a catalog problem class,
/// with learning rates from the tuning cache or a real (small) tuning run,
/// and every number in the table is estimated from those curves. The race
/// is only *paced* — at most ``Configuration/stepsPerSecond`` steps a
/// second — so it can be watched. Pass ``banner`` to the dashboard so the
/// screen says what this is.
///
/// Commands: switching the problem class tunes and races that class;
/// pause, resume and restart (a new held-out seed) work as in the real
/// engine; saving replies that there is nothing to save; display settings
/// are accepted and kept for the run.
public final class DemoEngine: EngineHandle {
  /// The label the dashboard shows in demo mode.
  public static let banner = "demo: baselines only, no learned optimizer"

  public struct Configuration: Sendable, Equatable {
    /// The problem class to start with (a catalog name).
    public var problem: String
    /// Steps per race.
    public var steps: Int
    /// Held-out instances per race.
    public var instances: Int
    /// Instances per candidate rate when tuning.
    public var tuningInstances: Int
    /// The first race's seed; each restart adds one.
    public var seed: UInt64
    /// Pace of the race on screen (steps per second); 0 for no pacing.
    public var stepsPerSecond: Double
    /// Where MNIST lives, for `mnist-mlp` (else the default locations).
    public var mnistDirectory: String?

    public init(
      problem: String = "quadratic", steps: Int = 100, instances: Int = 20, tuningInstances: Int = 10,
      seed: UInt64 = 0, stepsPerSecond: Double = 50, mnistDirectory: String? = nil
    ) {
      self.problem = problem
      self.steps = steps
      self.instances = instances
      self.tuningInstances = tuningInstances
      self.seed = seed
      self.stepsPerSecond = stepsPerSecond
      self.mnistDirectory = mnistDirectory
    }
  }

  private let published: Locked<Snapshot>
  private let commands = Locked<[EngineCommand]>([])
  private let stopped = Locked(false)

  /// Starts the demo on its own thread; the first snapshot is `starting`.
  public init(configuration: Configuration = Configuration()) {
    let published = Locked(Snapshot(training: TrainingStatus(architecture: "none", objective: "none")))
    self.published = published
    let commands = self.commands
    let stopped = self.stopped
    let thread = Thread {
      var worker = DemoWorker(configuration: configuration, published: published, commands: commands)
      worker.run()
      stopped.withLock { $0 = true }
    }
    thread.name = "mnemo-demo-engine"
    thread.start()
  }

  public func latestSnapshot() -> Snapshot { published.get() }

  public func send(_ command: EngineCommand) {
    commands.withLock { $0.append(command) }
  }

  /// Whether the engine thread has ended (after ``Engine/EngineCommand/quit``).
  public var hasStopped: Bool { stopped.get() }
}
