import Evaluation
import Optimizees
import Optimizers
import Sessions

extension Session {
  /// The learned optimizer this session holds, as a racer — the one loader
  /// `mnemo race`, the report and the engine share: an LSTM's or a DNC's best
  /// validated weights (the last ones when it never validated), or LISTA's
  /// parameters.
  ///
  /// `problemClass`, when given, is the class it will race on: LISTA is
  /// defined only for sparse coding and is refused elsewhere with
  /// ``LISTAError/unsupportedProblem(_:)``; without it the caller vouches for
  /// the class.
  public func learnedRacer(name: String? = nil, on problemClass: (any ProblemClass)? = nil) throws -> Racer {
    guard let architecture = LearnedArchitecture(record: manifest.optimizer) else {
      throw SessionError.invalidField(
        path: path(of: "session.json"), field: "optimizer.architecture",
        value: manifest.optimizer["architecture"] ?? "", expected: LearnedArchitecture.choices)
    }
    let name = name ?? architecture.rawValue
    switch architecture {
    case .lista:
      let parameters = try LISTASession.parameters(of: self)
      guard let problemClass else { return LISTASession.racer(parameters: parameters, name: name) }
      return try LISTASession.racer(for: problemClass, parameters: parameters, name: name)
    case .lstm, .dnc:
      return MetaTrainer.racer(weights: try MetaTrainer.weights(of: self), name: name)
    }
  }

  /// The session's DNC optimizer with its read words held at zero, named
  /// `NAME-no-reads` (``Optimizers/DNCOptimizer/silencesReads``): raced
  /// beside the intact optimizer, the difference is what reading the memory
  /// buys. Nil for a session whose optimizer has no memory (the caller says
  /// so in its own terms); throws only when the weights cannot be read.
  public func memoryAblationRacer(name: String = LearnedArchitecture.dnc.rawValue) throws -> Racer? {
    guard case .dnc(let weights) = try MetaTrainer.weights(of: self) else { return nil }
    let ablated = name + "-no-reads"
    return Racer(name: ablated) { problem in
      DNCOptimizer(weights: weights, problem: problem, name: ablated, silencingReads: true)
    }
  }
}
