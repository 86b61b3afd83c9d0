import MetaLearning
import Optimizees

extension MemoryView {
  /// What the memory panel shows for `weights` after `steps` steps on the
  /// first held-out instance of `problemClass` under `seed`: the LSTM's
  /// hidden activations, or the DNC's memory and weightings.
  public static func afterRun(
    of weights: LearnedOptimizerWeights, on problemClass: any ProblemClass, seed: UInt64, steps: Int
  ) -> MemoryView {
    EngineWorker.hiddenState(weights: weights, problemClass: problemClass, seed: seed, steps: steps)
  }
}
