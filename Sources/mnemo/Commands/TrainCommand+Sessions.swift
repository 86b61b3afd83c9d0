import ArgumentParser
import MetaLearning
import Optimizees

/// What every architecture's `mnemo train` does with the sessions folder
/// before training: resume a saved session's problem, or refuse to
/// overwrite one.
extension TrainCommand {
  /// The problem class a saved session trains on (its manifest's problem
  /// and options; MNIST from --mnist).
  func savedProblemClass(_ saved: Session) throws -> any ProblemClass {
    try ProblemCatalog.make(
      saved.manifest.problem.name, options: saved.manifest.problem.options, mnistDirectory: problemOptions.mnist)
  }

  /// Refuses to start a new session over a saved one.
  func requireNewSession(in store: SessionStore) throws {
    if store.exists(session) {
      throw ValidationError(
        "session '\(session)' already exists in \(store.directory.path); use --resume to continue it or pick another name.")
    }
  }
}
