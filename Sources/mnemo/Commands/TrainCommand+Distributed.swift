import ArgumentParser
import Distributed
import Evaluation
import Foundation
import MetaLearning
import Optimizees
import Sessions

/// `mnemo train --distributed`: the same meta-training, data-parallel over
/// the ranks of an MPI job (docs/distributed.md).
extension TrainCommand {
  /// Joins the MPI job, trains on this rank's share of every meta-batch,
  /// and — on rank 0 only — validates, saves and races. A rank that hits an
  /// error prints it with its rank and aborts the whole job (`MPI_Abort`), so
  /// no rank is left waiting in a collective.
  func runDistributed() throws {
    let communicator: Communicator
    do {
      communicator = try Communicator()
    } catch {
      throw ValidationError(error.description)
    }
    do {
      try trainDistributed(communicator: communicator)
    } catch let error as DistributedError {
      if case .replicaMismatch = error {
        // Every rank saw the same checksums and stops together.
        if communicator.isRoot { printError("error: \(error)") }
        communicator.finalize()
        throw ExitCode.failure
      }
      fail(communicator, error)
    } catch {
      fail(communicator, error)
    }
    communicator.finalize()
  }

  private func fail(_ communicator: Communicator, _ error: any Error) -> Never {
    let reason = "\(error)"
    printError("error: \(DistributedError.rankFailed(rank: communicator.rank, reason: reason))")
    communicator.abort(code: 1)
  }

  private func trainDistributed(communicator: Communicator) throws {
    let isRoot = communicator.isRoot
    let talk = isRoot && !quiet
    let places = try sessionPlaces()
    if isRoot { try prepareToWrite(places) }
    let prepared = try prepare(places: places, tuneBaselines: isRoot)
    let parallel = try DistributedMetaTrainer(
      sharing: prepared.trainer, communicator: communicator, checkEvery: checkEvery)
    let trainer = parallel.trainer
    var manifest = prepared.manifest
    var history = prepared.history
    let problemClass = prepared.problemClass
    // Identical starting weights are the premise of everything after.
    try parallel.verifyReplicas()

    let interrupted = InterruptFlag()
    var progress = Progress(label: "train \(problemClass.name) ×\(communicator.size)", quiet: !talk)
    var lastSave = Date()
    var raceHistory =
      isRoot ? (try? places.source.load())?.raceHistory ?? CSVTable(header: []) : CSVTable(header: [])
    func save() throws {
      manifest.metaIteration = trainer.iteration
      manifest.training = trainer.trainingRecord
      manifest = try places.target.save(
        Session(
          manifest: manifest, weights: trainer.sessionTensors, trainingHistory: history,
          raceHistory: raceHistory))
    }
    if talk {
      printError(
        "session \(places.target.name) in \(places.target.store.directory.path): \(communicator.size) ranks share batch "
          + "\(trainer.configuration.batch) (rank 0: problems "
          + "\(trainer.share.lowerBound)..<\(trainer.share.upperBound)), "
          + "objective \(trainer.configuration.objective.rawValue)")
    }
    var loop = MetaTrainingLoop(iterations: iterations, validateEvery: validateEvery, history: history)
    for done in 0..<iterations {
      guard let report = try parallel.step(stopRequested: interrupted.isSet) else { break }
      if report.skipped, talk {
        printError("\niteration \(report.iteration): non-finite meta-gradient, update skipped, episode restarted")
      }
      // Only rank 0 validates and keeps the history; the others only step.
      guard isRoot else { continue }
      let state = loop.record(
        MetaTrainingLoop.Step(report), validate: { trainer.validate() }, isLast: done == iterations - 1)
      history = state.history
      progress.update(
        done + 1, of: iterations,
        detail: "it \(report.iteration) meta-loss \(String(format: "%.4g", state.smoothedLoss))")
      if Date().timeIntervalSince(lastSave) > autosaveSeconds {
        try save()
        lastSave = Date()
      }
    }
    try parallel.verifyReplicas()
    progress.finish()
    if talk { printError(parallel.statistics.summary) }
    guard isRoot else { return }
    raceHistory = finalRace(trainer: trainer, problemClass: problemClass, rates: manifest.tunedLearningRates)
    try save()
    if talk {
      let last = history.rows.last.map { "validation loss \($0[2]) at iteration \($0[0])" } ?? ""
      printError(
        "saved session \(session) at iteration \(trainer.iteration)"
          + "\(interrupted.isSet ? " (interrupted)" : ""); \(last)"
      )
    }
  }
}
