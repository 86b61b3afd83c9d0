import Evaluation
import Foundation
import MetaLearning
import Optimizees
import Optimizers
import Sessions

/// The learned optimizer the engine meta-trains on one problem class: its
/// trainer, the session it came from and goes to, and the training loop
/// `mnemo train` runs (``MetaLearning/MetaTrainingLoop``), so that the
/// dashboard validates on the same cadence, advances the same "best"
/// weights and writes the same `training.csv` rows as the command line.
struct EngineSession {
  /// The trainer (it owns the tape; engine thread only).
  let trainer: MetaTrainer
  /// The manifest to save (nil: trained in memory only, never saved — the
  /// class's session could not be read, and is not written over).
  private(set) var manifest: SessionManifest?
  /// Where it is saved: its own folder, or `local/NAME` for a session
  /// shipped with Mnemo (which is never written).
  let target: SessionLocation?
  /// The loop that validates and keeps the history.
  private(set) var loop: MetaTrainingLoop

  /// Resumes the class's session (named after the class) or starts one,
  /// and says what it did in `notes`.
  ///
  /// A session shipped with Mnemo is resumed from its continuation in
  /// `local/NAME` when there is one, else initialised from the shipped
  /// weights, and saved to `local/NAME` either way. A session that cannot
  /// be read (or was trained on another configuration) is left alone: the
  /// engine trains from scratch in memory.
  static func open(
    for problemClass: any ProblemClass, store: SessionStore, configuration: EngineConfiguration,
    notes: inout [String]
  ) -> EngineSession {
    let name = problemClass.name
    let (source, target) = SessionLocation.dashboard(store: store, name: name)
    let validateEvery = configuration.validateEvery
    guard source.store.exists(name) else {
      notes.append("new session \(name): meta-training from scratch")
      return fresh(problemClass, configuration: configuration, saveAs: target)
    }
    do {
      if source == target { try source.store.recover(name) }
      let session = try source.store.load(name)
      guard session.manifest.problem.configurationKey == problemClass.configurationKey else {
        throw SessionError.mismatch(
          path: source.folder.path, reason: "trained on \(session.manifest.problem.configurationKey)")
      }
      if source != target {
        notes.append(
          "\(source.folder.path) stays as it is (shipped with Mnemo): training continues in \(target.folder.path)")
      }
      let trainer = try MetaTrainer.resume(session, problemClass: problemClass)
      notes.append("resumed session \(name) at meta-iteration \(session.manifest.metaIteration)")
      let history =
        session.trainingHistory.header == MetaTrainingLoop.historyHeader
        ? session.trainingHistory : CSVTable(header: MetaTrainingLoop.historyHeader)
      return EngineSession(
        trainer: trainer, manifest: session.manifest, target: target,
        loop: MetaTrainingLoop(iterations: .max, validateEvery: validateEvery, history: history))
    } catch {
      notes.append("could not resume session \(name): \(error); training from scratch in memory (not saved over it)")
      return fresh(problemClass, configuration: configuration, saveAs: nil)
    }
  }

  /// A new LSTM optimizer with the class's defaults, saved to `target`
  /// (nil: in memory only).
  private static func fresh(
    _ problemClass: any ProblemClass, configuration: EngineConfiguration, saveAs target: SessionLocation?
  ) -> EngineSession {
    let optimizer = LSTMOptimizerConfiguration.defaults(for: problemClass.profile)
    var settings = MetaTrainingConfiguration.defaults(forProblem: problemClass.name)
    settings.horizon = configuration.steps
    settings.objective = configuration.objective
    settings.seed = configuration.seed
    let trainer = MetaTrainer(
      problemClass: problemClass, configuration: settings,
      weights: LSTMOptimizerWeights(configuration: optimizer, seed: configuration.seed))
    let manifest = target.map {
      SessionManifest(
        name: $0.name,
        problem: ProblemRecord(name: problemClass.name, options: [:], configurationKey: problemClass.configurationKey),
        optimizer: optimizer.record, objective: settings.objective.rawValue, training: trainer.trainingRecord,
        seed: configuration.seed)
    }
    return EngineSession(
      trainer: trainer, manifest: manifest, target: target,
      loop: MetaTrainingLoop(iterations: .max, validateEvery: configuration.validateEvery))
  }

  /// The session's name, when it is saved.
  var name: String? { manifest?.name }

  /// The baselines' rates the session recorded (empty for a new one).
  var tunedRates: [String: Float] { manifest?.tunedLearningRates ?? [:] }

  /// One meta-iteration through the training loop (validating on its
  /// cadence, which moves the best weights and a curriculum on).
  mutating func iterate(now: Date) -> (report: MetaTrainer.Report, progress: MetaTrainingLoop.Progress) {
    let report = trainer.step()
    let trainer = trainer
    let progress = loop.record(MetaTrainingLoop.Step(report), validate: { trainer.validate() }, now: now)
    return (report, progress)
  }

  /// Remembers a display setting (`theme`, `logX`, …) for the next save.
  mutating func setDisplay(key: String, value: String) {
    if key == "theme" { manifest?.theme = value } else { manifest?.display[key] = value }
  }

  /// Saves weights, history, the latest race and `tunedRates`; returns the
  /// message to show. Nothing is written for a session trained in memory.
  mutating func save(race: RaceResult?, tunedRates: [String: Float], reason: String) -> String? {
    guard var manifest, let target else { return nil }
    manifest.metaIteration = trainer.iteration
    manifest.training = trainer.trainingRecord
    manifest.tunedLearningRates = tunedRates
    do {
      self.manifest = try target.store.save(
        Session(
          manifest: manifest, weights: trainer.sessionTensors, trainingHistory: loop.history,
          raceHistory: race?.csvTable ?? CSVTable(header: [])),
        as: target.name)
      return "saved session \(manifest.name) in \(target.store.directory.path) at meta-iteration \(trainer.iteration) (\(reason))"
    } catch {
      return "could not save session \(manifest.name): \(error)"
    }
  }
}
