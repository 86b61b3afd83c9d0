import Evaluation
import MetaLearning
import Optimizees
import Optimizers
import Sessions

/// How learned optimizers are loaded from sessions and trained from
/// recipes, by architecture (the manifest's `optimizer.architecture`).
///
/// This is the report's extension point: a kind of learned optimizer the
/// sessions module does not know (an experiment's own, say) plugs in with
/// one line per direction,
///
///     registry.loaders["toy"] = { session, name in try Toy.racer(session: session, name: name) }
///
/// and the study races (and, with a trainer, trains) it like the LSTM. An
/// architecture with no loader of its own goes to ``fallbackLoader`` (the
/// standard registry's reads any ``MetaLearning/LearnedOptimizerWeights``,
/// so architectures added there need no line here); if that fails too, the
/// table says why. One with no trainer is reported "not trained" when its
/// session is missing.
public struct ContenderRegistry: Sendable {
  /// Makes the racer of a loaded session, named `name`.
  public typealias Loader = @Sendable (_ session: Session, _ name: String) throws -> Racer
  /// Trains a recipe into a session on `problemClass`, reporting (done,
  /// total) meta-iterations, and returns the saved session.
  public typealias Trainer = @Sendable (
    _ recipe: TrainingRecipe, _ problemClass: any ProblemClass, _ store: SessionStore,
    _ progress: (Int, Int) -> Void
  ) throws -> Session

  public var loaders: [String: Loader]
  public var trainers: [String: Trainer]
  /// The loader of architectures without their own.
  public var fallbackLoader: Loader?

  public init(loaders: [String: Loader] = [:], trainers: [String: Trainer] = [:], fallbackLoader: Loader? = nil) {
    self.loaders = loaders
    self.trainers = trainers
    self.fallbackLoader = fallbackLoader
  }

  /// The loader for `architecture`: its own, else the fallback.
  public func loader(for architecture: String) -> Loader? {
    loaders[architecture] ?? fallbackLoader
  }

  /// The LSTM, the DNC and LISTA, loaded through
  /// ``MetaLearning/Session/learnedRacer(name:on:)`` (the loader `mnemo race`
  /// and the engine use too), trained by ``SessionTraining`` (LSTM, DNC) and
  /// ``LISTASessionTraining``.
  public static var standard: ContenderRegistry {
    let load: Loader = { session, name in try session.learnedRacer(name: name) }
    let train: Trainer = { recipe, problemClass, store, progress in
      try SessionTraining(recipe: recipe).run(problemClass: problemClass, store: store, progress: progress)
    }
    return ContenderRegistry(
      loaders: [
        LearnedArchitecture.lstm.rawValue: load, LearnedArchitecture.dnc.rawValue: load,
        LearnedArchitecture.lista.rawValue: load,
      ],
      trainers: [
        LearnedArchitecture.lstm.rawValue: train, LearnedArchitecture.dnc.rawValue: train,
        LearnedArchitecture.lista.rawValue: { recipe, problemClass, store, progress in
          try LISTASessionTraining(recipe: recipe).run(problemClass: problemClass, store: store, progress: progress)
        },
      ],
      fallbackLoader: load)
  }

  /// The architecture a session records (`lstm` when it records none, as
  /// the first sessions did).
  public static func architecture(of session: Session) -> String {
    session.manifest.optimizer["architecture"] ?? LearnedArchitecture.lstm.rawValue
  }
}
