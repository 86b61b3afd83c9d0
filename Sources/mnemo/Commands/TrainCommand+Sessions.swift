import ArgumentParser
import Evaluation
import Foundation
import MetaLearning
import Optimizees
import Sessions

/// What every architecture's `mnemo train` does with the sessions folder
/// before training: resume a saved session's problem, or refuse to
/// overwrite one.
extension TrainCommand {
  /// The problem class a saved session trains on (its manifest's problem
  /// and options; MNIST from --mnist).
  func savedProblemClass(_ saved: Session) throws -> any ProblemClass {
    do {
      return try ProblemCatalog.make(
        saved.manifest.problem.name, options: saved.manifest.problem.options, mnistDirectory: problemOptions.mnist)
    } catch {
      // Name the file the problem came from: the options may be a session's.
      throw ValidationError("\(saved.path(of: "session.json")): problem: \(error)")
    }
  }

  /// Where a run reads its session from and saves it to: the same folder,
  /// except for a session shipped with Mnemo, which is read (or its
  /// continuation in `local/NAME`, when there is one) and saved to
  /// `local/NAME` (docs/sessions.md).
  struct SessionPlaces {
    var source: SessionLocation
    var target: SessionLocation
  }

  /// The places of `--session` (a name in `--sessions`, or a path).
  func sessionPlaces() throws -> SessionPlaces {
    let named = try SessionLocation.resolve(session, sessionsDirectory: sessionsDirectory)
    return SessionPlaces(source: resume ? named.resumable : named, target: named.writable)
  }

  /// The sessions folder of plain names.
  var sessionsDirectory: URL {
    sessions.map { URL(fileURLWithPath: $0) } ?? SessionStore.defaultDirectory()
  }

  /// Before training: finishes or discards an interrupted save of the
  /// folder this run writes (only the writer may), and says where a shipped
  /// session's training goes.
  func prepareToWrite(_ places: SessionPlaces) throws {
    if places.target.exists { try places.target.store.recover(places.target.name) }
    if places.source != places.target, !quiet {
      printError(
        "\(places.source.folder.path) is shipped with Mnemo and stays as it is; "
          + "training continues in \(places.target.folder.path)")
    }
  }

  /// Refuses to start a new session over a saved one.
  func requireNewSession(at places: SessionPlaces) throws {
    for place in [places.source, places.target] where place.exists {
      throw ValidationError(
        "session '\(place.name)' already exists in \(place.store.directory.path); use --resume to continue it or pick another name.")
    }
  }
}
