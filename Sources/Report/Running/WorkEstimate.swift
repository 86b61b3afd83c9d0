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
  /// Parameters n of an instance of `problem`.
  static func dimension(_ problem: ProblemSpec) -> Double {
    func option(_ key: String, _ fallback: Int) -> Double { Double(problem.options[key].flatMap(Int.init) ?? fallback) }
    switch problem.name {
    case "quadratic": return option("n", 10)
    case "rosenbrock": return 2
    case "logistic": return option("features", 20) + 1
    case "mnist-mlp":
      let hidden = option("hidden", 20), layers = option("layers", 1)
      guard layers > 0 else { return 785 * 10 }
      return 785 * hidden + (layers - 1) * (hidden + 1) * hidden + (hidden + 1) * 10
    default: return option("n", 50)
    }
  }

  /// Flops of one gradient of `problem`.
  static func gradient(_ problem: ProblemSpec) -> Double {
    let n = dimension(problem)
    switch problem.name {
    case "quadratic": return 4 * n * n
    case "mnist-mlp": return 6 * Double(problem.options["batch"].flatMap(Int.init) ?? 128) * n
    case "lasso", "sparse-l0", "group-lasso": return 4 * Double(problem.options["m"].flatMap(Int.init) ?? 25) * n
    default: return 20 * n
    }
  }

  /// Flops of sampling one instance (the sparse classes' reference solve).
  static func sampling(_ problem: ProblemSpec) -> Double {
    ["lasso", "sparse-l0", "group-lasso"].contains(problem.name) ? 20_000 * gradient(problem) : gradient(problem)
  }

  /// Flops per coordinate of one optimizer step.
  static func optimizerStep(architecture: String?) -> Double {
    switch architecture {
    case nil: 20
    case "lstm": 2e4
    case "dnc": 6e4
    default: 2e3
    }
  }

  /// A race of `architectures` (nil for hand-designed racers).
  static func race(_ problem: ProblemSpec, steps: Int, instances: Int, architectures: [String?]) -> Double {
    let n = dimension(problem)
    let perStep = architectures.map { gradient(problem) + optimizerStep(architecture: $0) * n }.reduce(0, +)
    return Double(steps + 1) * Double(instances) * perStep + Double(instances) * sampling(problem)
  }

  /// A tuning race of `kinds` × `grid` hand-designed racers.
  static func tuning(_ problem: ProblemSpec, steps: Int, instances: Int, racers: Int) -> Double {
    race(problem, steps: steps, instances: instances, architectures: Array(repeating: nil, count: racers))
  }

  /// Training a recipe: its unrolls (forward and backward ≈ 3 forwards)
  /// and its validation races.
  static func training(_ recipe: TrainingRecipe) -> Double {
    let n = dimension(recipe.problem)
    let batch = Double(recipe.batch ?? (recipe.problem.name == "quadratic" ? 128 : recipe.problem.needsMNIST ? 1 : 16))
    let perStep = gradient(recipe.problem) + 3 * optimizerStep(architecture: recipe.architecture) * n
    let unrolls = Double(recipe.iterations) * Double(recipe.unroll) * batch * perStep
    let validations = Double(recipe.iterations / max(recipe.validateEvery, 1) + 1)
    let validation = race(
      recipe.problem, steps: recipe.horizon, instances: recipe.validationInstances,
      architectures: [recipe.architecture])
    return unrolls + validations * validation
  }
}
