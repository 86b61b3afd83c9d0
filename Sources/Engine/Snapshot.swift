import Evaluation
import Optimizers

/// Everything the dashboard shows, as one immutable value.
///
/// The engine thread builds a new snapshot whenever something changes and
/// publishes it; the UI thread reads the latest at its frame rate. Being a
/// value, a snapshot can never change under the renderer's feet, and the
/// renderer never waits for the engine.
public struct Snapshot: Sendable {
  /// Increases with every publication (the UI redraws only when it changes,
  /// or when the screen does).
  public var sequence: Int
  /// The selected problem class (catalog name) and its configuration key.
  public var problemName: String
  public var problemKey: String
  /// Every problem class the user can switch to, in display order, with a
  /// one-line summary.
  public var problemChoices: [ProblemChoice]
  /// What the engine is doing now.
  public var phase: EnginePhase
  /// The latest race (partial while it runs): curves of every racer.
  public var race: RaceResult?
  /// Headline numbers of the latest race, one per racer in race order.
  public var summaries: [RacerSummary]
  /// Meta-training progress of the learned optimizer.
  public var training: TrainingStatus
  /// The learned optimizer's internal state, for the memory panel.
  public var memory: MemoryView?
  /// Short human messages, oldest first (tuning done, session saved, errors).
  public var messages: [String]
  /// The session the engine reads from and saves to.
  public var sessionName: String?

  public init(
    sequence: Int = 0, problemName: String = "", problemKey: String = "",
    problemChoices: [ProblemChoice] = [], phase: EnginePhase = .starting, race: RaceResult? = nil,
    summaries: [RacerSummary] = [], training: TrainingStatus = TrainingStatus(), memory: MemoryView? = nil,
    messages: [String] = [], sessionName: String? = nil
  ) {
    self.sequence = sequence
    self.problemName = problemName
    self.problemKey = problemKey
    self.problemChoices = problemChoices
    self.phase = phase
    self.race = race
    self.summaries = summaries
    self.training = training
    self.memory = memory
    self.messages = messages
    self.sessionName = sessionName
  }
}

/// A problem class offered in the picker.
public struct ProblemChoice: Sendable, Equatable {
  public var name: String
  public var summary: String
  /// False when the class cannot be built here (e.g. MNIST files missing);
  /// `reason` then says why.
  public var available: Bool
  public var reason: String?

  public init(name: String, summary: String, available: Bool = true, reason: String? = nil) {
    self.name = name
    self.summary = summary
    self.available = available
    self.reason = reason
  }
}

/// The engine's current activity.
public enum EnginePhase: Sendable, Equatable {
  /// Loading sessions and data.
  case starting
  /// Tuning the baselines' learning rates (fraction done).
  case tuning(progress: Double)
  /// Meta-training, racing every few iterations.
  case training
  /// Paused by the user: nothing runs.
  case paused
  /// Stopped by an error it cannot get past; the message says what to do.
  case failed(String)

  /// A short label for the status line.
  public var label: String {
    switch self {
    case .starting: "starting"
    case .tuning(let progress): "tuning baselines \(Int(progress * 100))%"
    case .training: "training"
    case .paused: "paused"
    case .failed: "failed"
    }
  }
}

/// Meta-training progress.
public struct TrainingStatus: Sendable, Equatable {
  /// The learned optimizer's architecture (nil: the run has none, as the
  /// demo).
  public var architecture: LearnedArchitecture?
  /// The meta-objective (`loss-sum`, `log-loss`, `rate`).
  public var objective: String
  /// Meta-iterations completed (including those of a resumed session).
  public var iteration: Int
  /// Meta-loss per logged iteration (index i is iteration `iterations[i]`).
  public var iterations: [Int]
  public var metaLosses: [Double]
  /// Mean final loss of the learned optimizer on validation instances, per
  /// validation, with the iteration it was measured at.
  public var validationIterations: [Int]
  public var validationLosses: [Double]
  /// Meta-iterations per second, smoothed.
  public var iterationsPerSecond: Double
  /// Seconds of meta-training in this run.
  public var elapsedSeconds: Double

  public init(
    architecture: LearnedArchitecture? = .lstm, objective: String = "loss-sum", iteration: Int = 0,
    iterations: [Int] = [], metaLosses: [Double] = [], validationIterations: [Int] = [],
    validationLosses: [Double] = [], iterationsPerSecond: Double = 0, elapsedSeconds: Double = 0
  ) {
    self.architecture = architecture
    self.objective = objective
    self.iteration = iteration
    self.iterations = iterations
    self.metaLosses = metaLosses
    self.validationIterations = validationIterations
    self.validationLosses = validationLosses
    self.iterationsPerSecond = iterationsPerSecond
    self.elapsedSeconds = elapsedSeconds
  }
}

/// The learned optimizer's internal state at the last race step, as the
/// memory panel draws it. Matrices are row-major.
public enum MemoryView: Sendable, Equatable {
  /// The LSTM optimizer: hidden activations (in [−1, 1]) of each layer for
  /// the first `coordinates` coordinates of one instance: `layers` matrices
  /// of coordinates × hidden.
  case lstm(hidden: [[Float]], coordinates: Int, hiddenSize: Int)
  /// The DNC optimizer: memory N×W, usage, write weighting, read weightings
  /// (one per read head), precedence, link N×N.
  case dnc(DNCMemoryView)
}

/// The DNC's memory and weightings at one step.
public struct DNCMemoryView: Sendable, Equatable {
  public var slots: Int
  public var width: Int
  public var memory: [Float]
  public var usage: [Float]
  public var writeWeighting: [Float]
  public var readWeightings: [[Float]]
  public var precedence: [Float]
  public var link: [Float]
  /// What the memory holds: a learned code, or secant words whose
  /// ``DNCMemoryContent/componentNames`` are the panel's legend.
  public var content: DNCMemoryContent

  public init(
    slots: Int, width: Int, memory: [Float], usage: [Float], writeWeighting: [Float],
    readWeightings: [[Float]], precedence: [Float], link: [Float], content: DNCMemoryContent = .learned
  ) {
    self.content = content
    self.slots = slots
    self.width = width
    self.memory = memory
    self.usage = usage
    self.writeWeighting = writeWeighting
    self.readWeightings = readWeightings
    self.precedence = precedence
    self.link = link
  }
}
