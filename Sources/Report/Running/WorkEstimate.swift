import Optimizees
import Optimizers

/// Rough costs of the study's tasks in floating-point operations, for the
/// progress meter's ETA only: a race costs steps × instances × racers ×
/// (one gradient + one optimizer step), training costs its unrolls, and a
/// sparse instance's reference solve is charged when it is sampled.
///
/// The constants are orders of magnitude (a coordinatewise LSTM step is
/// some 2·10⁴ flops per coordinate, a hand-designed one a few tens); the
/// ETA is elapsed × remaining/done, so a constant factor cancels and only
/// the ratios between tasks matter.
enum WorkEstimate {
  /// The class's cost profile (a token cost for a name not in the catalog,
  /// which building the class reports).
  static func cost(_ problem: ProblemSpec) -> ProblemCost {
    problem.profile?.cost(options: problem.options) ?? ProblemCost(dimension: 50, gradientFlops: 1_000)
  }

  /// Flops per coordinate of one optimizer step.
  /// Hand-designed rules (nil) cost a few tens; a plug-in architecture the
  /// catalog does not know is charged like LISTA.
  static func optimizerStep(architecture: String?) -> Double {
    guard let architecture else { return 20 }
    return LearnedArchitecture(rawValue: architecture)?.stepFlopsPerCoordinate ?? 2e3
  }

  /// A race of `architectures` (nil for hand-designed racers).
  static func race(_ problem: ProblemSpec, steps: Int, instances: Int, architectures: [String?]) -> Double {
    let cost = cost(problem)
    let perStep = architectures.map { cost.gradientFlops + optimizerStep(architecture: $0) * cost.dimension }
      .reduce(0, +)
    return Double(steps + 1) * Double(instances) * perStep + Double(instances) * cost.samplingFlops
  }

  /// A tuning race of `kinds` × `grid` hand-designed racers.
  static func tuning(_ problem: ProblemSpec, steps: Int, instances: Int, racers: Int) -> Double {
    race(problem, steps: steps, instances: instances, architectures: Array(repeating: nil, count: racers))
  }

  /// Training a recipe: its unrolls (forward and backward ≈ 3 forwards)
  /// and its validation races.
  static func training(_ recipe: TrainingRecipe) -> Double {
    let cost = cost(recipe.problem)
    let batch = Double(recipe.batch ?? recipe.problem.profile?.metaTrainingDefaults.batch ?? 16)
    let perStep = cost.gradientFlops + 3 * optimizerStep(architecture: recipe.architecture) * cost.dimension
    let unrolls = Double(recipe.iterations) * Double(recipe.unroll) * batch * perStep
    let validations = Double(recipe.iterations / max(recipe.validateEvery, 1) + 1)
    let validation = race(
      recipe.problem, steps: recipe.horizon, instances: recipe.validationInstances,
      architectures: [recipe.architecture])
    return unrolls + validations * validation
  }
}
