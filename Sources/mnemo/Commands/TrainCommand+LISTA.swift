import ArgumentParser
import Distributed
import Evaluation
import Foundation
import MetaLearning
import Optimizees
import Optimizers
import Sessions

/// The options of `mnemo train --architecture lista` that the LSTM and DNC
/// do not share (docs/lista.md). `--iterations`, `--batch`, `--seed`,
/// `--validate-every`, `--autosave-seconds`, `--sessions` and `--quiet`
/// apply as for the other architectures.
struct LISTAOptions: ParsableArguments {
  @Option(help: "LISTA: learned layers K (beyond K the last layer repeats).")
  var listaLayers: Int = 16

  @Flag(inversion: .prefixedNo, help: "LISTA: learn a momentum (extrapolation) weight per layer (LFISTA; default on).")
  var listaMomentum = true

  @Option(help: "LISTA: unrolled steps T the objective sums over (default: K).")
  var listaUnroll: Int?

  @Option(help: "LISTA: objective, relative or log-relative (mean over steps of (f−r)/r, or of its log).")
  var listaObjective: LISTAObjective = .logRelative

  @Option(help: "LISTA: Adam's learning rate on the raw parameters.")
  var listaLearningRate: Float = 0.01

  @Option(help: "LISTA: training instances sampled once and cycled through.")
  var listaPool: Int = 1024

  func validate() throws {
    guard listaLayers >= 1, listaLayers <= 10_000 else { throw ValidationError("--lista-layers must lie in 1…10000.") }
    if let listaUnroll, listaUnroll < 1 { throw ValidationError("--lista-unroll must be at least 1.") }
    guard listaLearningRate > 0, listaLearningRate.isFinite else {
      throw ValidationError("--lista-learning-rate must be a positive number.")
    }
    guard listaPool >= 1 else { throw ValidationError("--lista-pool must be at least 1.") }
  }
}

extension TrainCommand {
  /// Whether `--resume` names a saved LISTA session (which then resumes as
  /// LISTA whatever --architecture says).
  var resumesLISTA: Bool {
    guard resume else { return false }
    guard let places = try? sessionPlaces() else { return false }
    return (try? places.source.store.manifest(places.source.name)).map(LISTASession.isLISTA) ?? false
  }

  /// Trains (or resumes) a LISTA session: the same progress, history,
  /// autosave and Ctrl-C handling as the LSTM, then a race of 100 steps
  /// against ISTA and FISTA (kept as the session's race.csv) and the mean
  /// relative error at K, 100 and 1000 steps on 100 held-out instances.
  func runLISTA() throws {
    if distributed || MPIEnvironment(environment: ProcessInfo.processInfo.environment).isMultiRank {
      throw ValidationError("--architecture lista trains on one process; run it without mpirun/--distributed.")
    }
    let places = try sessionPlaces()
    try prepareToWrite(places)
    var trainer: LISTATrainer
    var manifest: SessionManifest
    let initialHistory: CSVTable
    let problemClass: any ProblemClass
    if resume {
      let saved = try places.source.load()
      guard LISTASession.isLISTA(saved.manifest) else {
        throw ValidationError(
          "session '\(session)' holds a \(saved.manifest.optimizer["architecture"] ?? "?") optimizer; "
            + "resume it without --architecture lista.")
      }
      manifest = saved.manifest
      problemClass = try savedProblemClass(saved)
      trainer = try LISTASession.resume(saved, problemClass: problemClass)
      initialHistory = saved.trainingHistory
    } else {
      try requireNewSession(at: places)
      problemClass = try problemOptions.makeClass()
      guard problemClass is SparseCodingClass else {
        throw ValidationError(LISTAError.unsupportedProblem(problemClass.name).description)
      }
      let configuration = LISTAConfiguration(layers: lista.listaLayers, momentum: lista.listaMomentum)
      let training = LISTATrainingConfiguration(
        batch: batch ?? 32, unroll: lista.listaUnroll ?? lista.listaLayers,
        objective: lista.listaObjective,
        learningRate: lista.listaLearningRate, pool: lista.listaPool, seed: seed)
      if !quiet { printError("sampling \(training.pool) training and \(training.validation) validation instances…") }
      do {
        trainer = try LISTATrainer(problemClass: problemClass, configuration: configuration, training: training)
      } catch {
        throw ValidationError(error.description)
      }
      manifest = LISTASession.manifest(
        name: places.target.name,
        problem: ProblemRecord(
          name: problemClass.name, options: try problemOptions.parsedOptions(),
          configurationKey: problemClass.configurationKey),
        configuration: configuration, training: training)
      initialHistory = CSVTable(header: MetaTrainingLoop.historyHeader)
    }

    let interrupted = InterruptFlag()
    let start = Date()
    var raceHistory = (try? places.source.load())?.raceHistory ?? CSVTable(header: [])
    func save(_ history: CSVTable) throws {
      manifest = try places.target.save(
        LISTASession.session(trainer: trainer, manifest: manifest, trainingHistory: history, raceHistory: raceHistory))
    }
    if !quiet {
      let record = trainer.configuration.record.merging(trainer.training.record) { a, _ in a }
      printError(
        "session \(places.target.name) in \(places.target.store.directory.path): "
          + record.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
          + ", objective \(trainer.training.objective.rawValue)")
    }
    if trainer.best == nil { trainer.validate() }
    let firstIteration = trainer.iteration
    let history = try runTrainingLoop(
      label: "train lista \(problemClass.name)", lossName: "loss", history: initialHistory, interrupted: interrupted,
      step: {
        let report = trainer.step()
        if report.skipped, !quiet { printError("\niteration \(report.iteration): non-finite gradient, update skipped") }
        return MetaTrainingLoop.Step(report)
      },
      validate: { trainer.validate() }, save: save)
    let seconds = Date().timeIntervalSince(start)
    let parameters = trainer.racingParameters
    if !quiet {
      printError(
        String(format: "trained %d iterations in %.1f s (session at iteration %d)", trainer.iteration - firstIteration,
          seconds, trainer.iteration))
      let layers = (0..<parameters.layers).map { parameters.layer($0) }
      printError("layer  γ (step·L)  θ (threshold·L/λ)  β")
      for (k, layer) in layers.enumerated() {
        printError(String(format: "%5d  %10.4f  %17.4f  %.4f", k, layer.step, layer.threshold, layer.momentum))
      }
    }
    let racers = [
      Racer(OptimizerConfiguration(kind: .ista, learningRate: nil)),
      Racer(OptimizerConfiguration(kind: .fista, learningRate: nil)),
      LISTASession.racer(parameters: parameters),
    ]
    var run = RaceRun(
      problemClass: problemClass, racers: racers,
      configuration: RaceConfiguration(steps: 100, instances: 100, seed: seed))
    raceHistory = run.run().csvTable
    try save(history)
    if !quiet {
      var long = RaceRun(
        problemClass: problemClass, racers: racers,
        configuration: RaceConfiguration(steps: 1000, instances: 100, seed: seed))
      let table = RelativeErrorTable(result: long.run(), checkpoints: [parameters.layers, 100, 1000])
      printError("mean (f − r)/r on 100 held-out instances (seed \(seed)):\n" + table.markdown)
      let last = history.rows.last.map { "validation loss \($0[2]) at iteration \($0[0])" } ?? ""
      printError("saved session \(places.target.folder.path) at iteration \(trainer.iteration)\(interrupted.isSet ? " (interrupted)" : ""); \(last)")
    }
  }
}
