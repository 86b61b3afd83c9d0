import Evaluation
import Foundation
import MetaLearning
import Optimizees
import Optimizers
import Sessions

/// Builds dashboard snapshots from a session folder that another process
/// keeps writing (a training run, or rank 0 of a cluster job on a shared
/// filesystem), as TensorBoard reads event files.
///
/// ``poll()`` compares the modification times of `session.json`,
/// `training.csv` and `race.csv` with the last ones read and, when any
/// changed, reloads the session. `SessionStore` writes each file atomically
/// and the manifest last, so a load sees whole files; one that fails
/// anyway (the weights file renamed between reading the manifest and the
/// weights) keeps the previous snapshot and is retried at the next poll.
struct SessionSnapshotReader {
  let store: SessionStore
  let session: String
  let mnistDirectory: String?
  private(set) var snapshot: Snapshot
  private var stamps: [Date?] = []
  private var weightsFile: String?
  private var rateWindow: (iteration: Int, seconds: Double)?

  init(store: SessionStore, session: String, mnistDirectory: String?) {
    self.store = store
    self.session = session
    self.mnistDirectory = mnistDirectory
    snapshot = Snapshot(
      phase: .starting, training: TrainingStatus(architecture: nil, objective: "none"),
      messages: ["watching session \(session) in \(store.directory.path) (read-only)"], sessionName: session)
  }

  /// Rereads the session when its files changed; returns whether the
  /// snapshot changed.
  mutating func poll() -> Bool {
    let folder = store.folder(session)
    let current = ["session.json", "training.csv", "race.csv"].map { name in
      (try? FileManager.default.attributesOfItem(atPath: folder.appendingPathComponent(name).path))?[
        .modificationDate]
        as? Date
    }
    guard current != stamps else { return false }
    guard current[0] != nil else {
      stamps = current
      return note("waiting for session \(session) to appear in \(store.directory.path)")
    }
    let loaded: Session
    do {
      loaded = try store.load(session)
    } catch {
      // Leave the stamps unchanged so the next poll tries again.
      return note("could not read session \(session) yet: \(error)")
    }
    stamps = current
    update(from: loaded)
    return true
  }

  /// Adds a message (kept to the last 20) and republishes.
  mutating func note(_ message: String) -> Bool {
    guard snapshot.messages.last != message else { return false }
    snapshot.messages.append(message)
    if snapshot.messages.count > 20 { snapshot.messages.removeFirst(snapshot.messages.count - 20) }
    snapshot.sequence += 1
    return true
  }

  private mutating func update(from session: Session) {
    let manifest = session.manifest
    snapshot.problemName = manifest.problem.name
    snapshot.problemKey = manifest.problem.configurationKey
    snapshot.problemChoices = [
      ProblemChoice(name: manifest.problem.name, summary: "the watched session's problem")
    ]
    snapshot.phase = .training
    snapshot.training = training(of: session)
    let race = RaceTableReader.race(
      from: session.raceHistory, problemKey: manifest.problem.configurationKey, seed: manifest.seed)
    snapshot.race = race
    snapshot.summaries = race?.summaries(tolerance: EngineCore.tolerance) ?? []
    if manifest.weightsFile != weightsFile {
      weightsFile = manifest.weightsFile
      snapshot.memory = memory(of: session)
    }
    snapshot.sequence += 1
    _ = note(
      "session \(manifest.name) at meta-iteration \(manifest.metaIteration), saved \(manifest.updated)")
  }

  /// The meta-training curve from `training.csv` (iteration, smoothed
  /// meta-loss, validation loss, seconds).
  private mutating func training(of session: Session) -> TrainingStatus {
    let manifest = session.manifest
    let table = session.trainingHistory
    let iterations = table.integerColumn("iteration") ?? []
    let metaLosses = table.column("meta_loss") ?? []
    let validation = table.column("validation_loss") ?? []
    let seconds = table.column("seconds") ?? []
    var status = TrainingStatus(
      architecture: LearnedArchitecture(record: manifest.optimizer), objective: manifest.objective,
      iteration: manifest.metaIteration, elapsedSeconds: seconds.last ?? 0)
    for (index, iteration) in iterations.enumerated() {
      if index < metaLosses.count, metaLosses[index].isFinite {
        status.iterations.append(iteration)
        status.metaLosses.append(metaLosses[index])
      }
      if index < validation.count, validation[index].isFinite {
        status.validationIterations.append(iteration)
        status.validationLosses.append(validation[index])
      }
    }
    // The training run's speed, from its own clock: the last two rows.
    if iterations.count >= 2, seconds.count == iterations.count {
      let n = iterations.count
      let elapsed = seconds[n - 1] - seconds[n - 2]
      if elapsed > 0 { status.iterationsPerSecond = Double(iterations[n - 1] - iterations[n - 2]) / elapsed }
    }
    return status
  }

  /// The learned optimizer's memory (the LSTM's hidden state, the DNC's
  /// memory and weightings) after a run of the session's best weights on
  /// the first held-out instance, as the live engine shows it; nil when the
  /// problem cannot be built here (e.g. MNIST files missing).
  private func memory(of session: Session) -> MemoryView? {
    let manifest = session.manifest
    guard let weights = try? MetaTrainer.weights(of: session),
      let problemClass = try? ProblemCatalog.make(
        manifest.problem.name, options: manifest.problem.options, mnistDirectory: mnistDirectory)
    else { return nil }
    let steps = manifest.training["horizon"].flatMap { Int($0) } ?? 100
    return MemoryView.afterRun(of: weights, on: problemClass, seed: manifest.seed, steps: steps)
  }
}
