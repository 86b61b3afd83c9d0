import Evaluation
import LinearAlgebra
import MetaLearning
import Optimizees
import Optimizers

extension MemoryView {
  /// What the memory panel shows for `weights` after `steps` steps on the
  /// first held-out instance of `problemClass` under `seed`: the LSTM's
  /// hidden activations, or the DNC's memory, usage, weightings and links.
  ///
  /// The run is the race's own (same instance, same θ₀, proximal step 1/L
  /// where the class knows L), so the state shown is the one the race left.
  public static func afterRun(
    of weights: LearnedOptimizerWeights, on problemClass: any ProblemClass, seed: UInt64, steps: Int
  ) -> MemoryView {
    var problem = problemClass.sample(seed: SeedStream.evaluation.seed(seed, index: 0))
    switch weights {
    case .lstm(let weights):
      var optimizer = LSTMOptimizer(weights: weights, problem: problem)
      run(&optimizer, on: &problem, steps: steps)
      // Up to 64 coordinates: what a panel can show.
      let shown = min(problem.dimension, 64)
      let h = weights.configuration.hiddenSize
      let layers = (0..<weights.configuration.layers).map {
        Array(optimizer.hiddenState(layer: $0).prefix(shown * h))
      }
      return .lstm(hidden: layers, coordinates: shown, hiddenSize: h)
    case .dnc(let weights):
      var optimizer = DNCOptimizer(weights: weights, problem: problem)
      run(&optimizer, on: &problem, steps: steps)
      let view = optimizer.memoryView
      return .dnc(
        DNCMemoryView(
          slots: view.slots, width: view.width, memory: view.memory, usage: view.usage,
          writeWeighting: view.writeWeights, readWeightings: view.readWeights, precedence: view.precedence,
          link: view.link, content: view.content))
    }
  }

  /// Runs `optimizer` for `steps` proximal-gradient steps from the
  /// problem's θ₀, so its recurrent state is what a race would leave.
  private static func run(_ optimizer: inout some Optimizer, on problem: inout any Problem, steps: Int) {
    var theta = problem.initialParameters
    var gradient = [Float](repeating: 0, count: problem.dimension)
    for _ in 0..<steps {
      _ = problem.objective(at: theta, gradient: &gradient)
      optimizer.step(parameters: &theta, gradient: gradient)
      optimizer.applyProximal(of: problem.regularizer, to: &theta)
    }
  }
}
