import Foundation
import MetaLearning
import Sessions

extension TrainCommand {
  /// The single-process training loop of every architecture on the command
  /// line: ``MetaLearning/MetaTrainingLoop`` for `--iterations` with
  /// `--validate-every`, a progress bar labelled `label` on standard error
  /// showing the running loss as `lossName`, `save` with the history so far
  /// every `--autosave-seconds`, and Ctrl-C (`interrupted`) ending the loop
  /// before the next step. Returns the history; the caller saves at the end.
  func runTrainingLoop(
    label: String, lossName: String, history: CSVTable, interrupted: InterruptFlag,
    step: () -> MetaTrainingLoop.Step, validate: () -> Double, save: (CSVTable) throws -> Void
  ) throws -> CSVTable {
    var progress = Progress(label: label, quiet: quiet)
    var lastSave = Date()
    var loop = MetaTrainingLoop(iterations: iterations, validateEvery: validateEvery, history: history)
    try loop.run(step: step, validate: validate, isInterrupted: { interrupted.isSet }) { state in
      progress.update(
        state.done, of: state.iterations,
        detail: "it \(state.iteration) \(lossName) \(String(format: "%.4g", state.smoothedLoss))")
      if Date().timeIntervalSince(lastSave) > autosaveSeconds {
        try save(state.history)
        lastSave = Date()
      }
    }
    progress.finish()
    return loop.history
  }
}
