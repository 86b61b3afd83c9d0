import Evaluation
import Optimizees
import Optimizers

/// The weights of either learned architecture, so one trainer, one session
/// format and one racer serve both: the coordinatewise LSTM and the
/// shared-memory DNC.
public enum LearnedOptimizerWeights: Sendable, Equatable {
  case lstm(LSTMOptimizerWeights)
  case dnc(DNCOptimizerWeights)

  /// φ as one flat vector (what meta-Adam and clipping see).
  public var values: [Float] {
    get {
      switch self {
      case .lstm(let w): w.values
      case .dnc(let w): w.values
      }
    }
    set {
      switch self {
      case .lstm(var w):
        w.values = newValue
        self = .lstm(w)
      case .dnc(var w):
        w.values = newValue
        self = .dnc(w)
      }
    }
  }

  /// The architecture's `key=value` record for a session manifest
  /// (`architecture=lstm|dnc` and its sizes).
  public var record: [String: String] {
    switch self {
    case .lstm(let w): w.configuration.record
    case .dnc(let w): w.configuration.record
    }
  }

  /// The named tensors of φ in layout order.
  public var slots: [LSTMOptimizerWeights.TensorSlot] {
    switch self {
    case .lstm(let w): w.slots
    case .dnc(let w): w.slots
    }
  }

  /// The architecture.
  public var architecture: LearnedArchitecture {
    switch self {
    case .lstm: .lstm
    case .dnc: .dnc
    }
  }

  /// A race-time optimizer for a problem of `dimension` coordinates whose
  /// prox (on composite problems) takes `proximalStep` (nil: the output
  /// scale).
  public func optimizer(dimension: Int, name: String, proximalStep: Float? = nil) -> any Optimizer {
    switch self {
    case .lstm(let w): LSTMOptimizer(weights: w, dimension: dimension, name: name, proximalStep: proximalStep)
    case .dnc(let w): DNCOptimizer(weights: w, dimension: dimension, name: name, proximalStep: proximalStep)
    }
  }

  /// A race-time optimizer for `problem`: its prox step is 1/L when the
  /// problem knows L, as in the training unroll.
  public func optimizer(for problem: any Problem, name: String) -> any Optimizer {
    switch self {
    case .lstm(let w): LSTMOptimizer(weights: w, problem: problem, name: name)
    case .dnc(let w): DNCOptimizer(weights: w, problem: problem, name: name)
    }
  }
}
